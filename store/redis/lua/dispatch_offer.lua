-- Offer records a pending offer of a slot to a responder.
-- ARGV offer id, slot, responder, offered at, expires at, max pending,
--      deadline score (Unix ms)
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local id, slot, resp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
if redis.call('HEXISTS', K_OFF, id) == 1 then return fail('CONFLICT', 'offer ' .. id .. ' exists') end
local e = check_active_slot(r, slot)
if e then return e end
local sl = r.slots[slot + 1]
if sl.st ~= S_OPEN and sl.st ~= S_OFFERED then return fail('CONFLICT', 'slot ' .. slot .. ' is not open') end
if pending_on(r, slot) >= tonumber(ARGV[6]) then
  return fail('CONFLICT', 'slot ' .. slot .. ' has ' .. ARGV[6] .. ' offers pending')
end
if redis.call('HEXISTS', K_HELD, resp) == 1 then return fail('BUSY', 'responder ' .. resp) end
for _, o in ipairs(r.offers) do
  if o.r == resp then return fail('CONFLICT', 'responder ' .. resp .. ' was offered this incident before') end
end
local n = #r.tl
r.offers[#r.offers + 1] = {id = id, s = slot, r = resp, c = sl.c, at = ARGV[4], exp = ARGV[5], st = O_PENDING, cl = ''}
sl.st = S_OFFERED
redis.call('HSET', K_OFF, id, r.id)
redis.call('ZADD', K_PEND, ARGV[7], id)
event(r, {at = ARGV[4], t = E_OFFERED, a = SYSTEM, r = resp, s = slot, o = id})
return done(r, n)
