-- Status sets a record's status and indexes it accordingly.
-- KEYS[1] the home's record hash; KEYS[2..5] GEO sets (shard homes only)
-- ARGV    field, status, number of GEO keys
-- Returns {'missing', tombstone version}, {'moving', to} or {'ok'}.
local r, gone = load(KEYS[1], ARGV[1])
if not r then return {'missing', gone} end
if r.to ~= '-' then return {'moving', r.to} end
local ngeo = tonumber(ARGV[3])
if ngeo > 0 then unindex(r, ARGV[1]) end
r.status = ARGV[2]
bump(r)
redis.call('HSET', KEYS[1], ARGV[1], encode(r))
if ngeo > 0 then index(r, ARGV[1]) end
return {'ok'}
