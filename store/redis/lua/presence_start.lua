-- Start opens a shift: the directory gets the record (without a fix yet)
-- at the first version of the next epoch, unless the responder is on shift
-- already.
-- KEYS[1] the responder's directory
-- ARGV    record
-- Returns {'created'} or {'exists'}.
if redis.call('HEXISTS', KEYS[1], 'at') == 1 then return {'exists'} end
local r = decode(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0')
r.ver = string.format('%.0f', (epoch(last) + 1) * EPOCH + 1)
redis.call('HSET', KEYS[1], 'at', '', 'rec', encode(r), 'ver', r.ver)
return {'created'}
