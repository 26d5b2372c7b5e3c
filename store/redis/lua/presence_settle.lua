-- Settle points the directory at the shard holding version ARGV[2] of the
-- record (step 3 of a cross-shard move), if the responder is on shift and
-- the directory names no newer version: concurrent moves settle in version
-- order whatever order they arrive in. A record leaving the directory
-- itself (no fix yet) is deleted with it.
-- KEYS[1] the responder's directory
-- ARGV    to shard, version
-- Returns 1 if changed, else 0.
local at = redis.call('HGET', KEYS[1], 'at')
if not at then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'ver') or '0') >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'ver', ARGV[2])
if at == '' then redis.call('HDEL', KEYS[1], 'rec') end
return 1
