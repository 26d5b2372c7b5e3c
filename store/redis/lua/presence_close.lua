-- Close takes the shift off the directory, keeping the greater version for
-- the next shift: after an end at version ARGV[2] in the directory's epoch
-- (ARGV[3] 'ended'), or when the record is missing from the shard ARGV[1]
-- the directory still names (ARGV[3] 'missing', ARGV[2] that shard's
-- tombstone version or 0). A directory settled at a version newer than
-- that tombstone is not closed: the record came back to the shard after
-- the caller saw it missing (a move there and back).
-- KEYS[1] the responder's directory
-- Returns 1 if closed, else 0.
local at = redis.call('HGET', KEYS[1], 'at')
if not at then return 0 end
local cur, ver = tonumber(redis.call('HGET', KEYS[1], 'ver') or '0'), tonumber(ARGV[2])
if ARGV[3] == 'missing' and (at ~= ARGV[1] or (ver > 0 and cur > ver)) then return 0 end
if ver > 0 and epoch(ver) ~= epoch(cur) then return 0 end
redis.call('HDEL', KEYS[1], 'at', 'rec')
redis.call('HSET', KEYS[1], 'ver', string.format('%.0f', math.max(cur, ver)))
return 1
