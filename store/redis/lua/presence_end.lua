-- End removes a record: in a shard it leaves its tombstone; in the
-- directory (no fix yet) it takes the shift off the directory, which keeps
-- the version for the next shift.
-- KEYS[1] the home's record hash; KEYS[2..5] GEO sets (shard homes only)
-- ARGV    field, number of GEO keys
-- Returns {'missing', tombstone version}, {'moving', to} or {'ok', record}.
local r, gone = load(KEYS[1], ARGV[1])
if not r then return {'missing', gone} end
if r.to ~= '-' then return {'moving', r.to} end
if tonumber(ARGV[2]) > 0 then
  unindex(r, ARGV[1])
  redis.call('HSET', KEYS[1], ARGV[1], tomb(r.ver))
else
  redis.call('HDEL', KEYS[1], 'at', 'rec')
  redis.call('HSET', KEYS[1], 'ver', r.ver)
end
return {'ok', encode(r)}
