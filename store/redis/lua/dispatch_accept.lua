-- Accept wins a slot with a pending offer.
-- ARGV offer id, responder, now
local r, raw = load()
if not r then return fail('NOTFOUND', 'incident') end
local id, resp, now = ARGV[1], ARGV[2], ARGV[3]
local o = find_offer(r, id)
if not o then return fail('NOTFOUND', 'offer ' .. id) end
if o.r ~= resp then return fail('NOTFOUND', 'offer ' .. id .. ' of responder ' .. resp) end
local n = #r.tl
local held = current(r, resp)
if o.st == O_ACCEPTED and held and held.o == id then return {'ok', tostring(n), raw} end
if o.st ~= O_PENDING then return fail('CONFLICT', 'offer ' .. id .. ' is not pending') end
if not tlt(now, o.exp) then return fail('EXPIRED', 'offer ' .. id) end
if not active(r) or r.slots[o.s + 1].st == S_FILLED then
  return fail('CONFLICT', 'slot ' .. o.s .. ' of ' .. r.id .. ' is taken')
end
if redis.call('HEXISTS', K_HELD, resp) == 1 then return fail('BUSY', 'responder ' .. resp) end
o.st, o.cl = O_ACCEPTED, now
redis.call('ZREM', K_PEND, id)
event(r, {at = now, t = E_ACCEPTED, a = resp, r = resp, s = o.s, o = id})
fill(r, {r = resp, s = o.s, m = 0, o = id, acc = now}, now)
return done(r, n)
