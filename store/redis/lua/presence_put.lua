-- Put stores a record arriving from another home (step 2 of a cross-shard
-- move), live and indexed, unless the shard holds a version as new or newer
-- (the move was done already, or overtaken).
-- KEYS[1] the shard's recs; KEYS[2..5] its GEO sets per mode
-- ARGV    field, record (marked as moving here)
-- Returns 1 if stored, 0 if not.
local new = decode(ARGV[2])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  if version(cur) >= tonumber(new.ver) then return 0 end
  local old = load(KEYS[1], ARGV[1])
  if old then unindex(old, ARGV[1]) end
end
new.to = '-'
redis.call('HSET', KEYS[1], ARGV[1], encode(new))
index(new, ARGV[1])
return 1
