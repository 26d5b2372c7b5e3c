-- Move applies a position update to the record at its home.
-- KEYS[1]     the home's record hash (a shard's recs, or the directory)
-- KEYS[2..5]  the shard's GEO sets per mode (shard homes only)
-- KEYS[n]     the day's own-grid counters, if they may be written here
-- ARGV        field, home, target shard, seen, fix, lat, lng, acc, cell,
--             inside, track (0|1), cap ns, number of GEO keys, counters TTL s
-- Returns {'missing', tombstone version}, {'moving', to}, {'stale'}, or
-- {'ok'|'transit', on ns, inside ns not yet added to the counters, record}.
-- With a target shard other than home the record is marked as moving there
-- and taken out of the GEO sets: the caller finishes the move
-- (presence_move.go).
local field, home, target = ARGV[1], ARGV[2], ARGV[3]
local ngeo = tonumber(ARGV[13])
local r, gone = load(KEYS[1], field)
if not r then return {'missing', gone} end
if r.to ~= '-' then return {'moving', r.to} end
if r.hasfix == '1' and before(ARGV[5], r.fix) then return {'stale'} end

-- the time since the previous update, at most cap ns (none if cap <= 0)
local on = 0
if ARGV[11] == '1' and r.hasfix == '1' then
  local ps, pn = tsplit(r.seen)
  local s, n = tsplit(ARGV[4])
  local cap = tonumber(ARGV[12])
  local ds = s - ps
  if cap > 0 and ds > cap / 1e9 + 1 then
    on = cap
  elseif ds > 0 or (ds == 0 and n > pn) then
    on = ds * 1e9 + (n - pn)
    if cap > 0 then on = math.min(on, cap) end
  end
end
local inside = 0
if r.inside == '1' then inside = on end

if ngeo > 0 then unindex(r, field) end
r.seen, r.fix, r.lat, r.lng, r.acc, r.cell, r.inside, r.hasfix =
  ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], '1'
bump(r)
local reply = 'ok'
if target == home then
  index(r, field)
else
  r.to, reply = target, 'transit' -- and not indexed while moving
end
local rec = encode(r)
redis.call('HSET', KEYS[1], field, rec)

if #KEYS > 1 + ngeo and on > 0 then
  local day = KEYS[#KEYS]
  redis.call('HINCRBY', day, 'on', string.format('%.0f', on))
  if inside > 0 then redis.call('HINCRBY', day, 'in', string.format('%.0f', inside)) end
  redis.call('EXPIRE', day, ARGV[14])
  on, inside = 0, 0
end
return {reply, on, inside, rec}
