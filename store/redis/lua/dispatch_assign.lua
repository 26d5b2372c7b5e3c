-- Assign gives a slot to a responder by hand.
-- ARGV slot, responder, accepted at, actor
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local slot, resp, now, actor = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local e = check_active_slot(r, slot)
if e then return e end
if r.slots[slot + 1].st == S_FILLED then return fail('CONFLICT', 'slot ' .. slot .. ' is filled') end
if redis.call('HEXISTS', K_HELD, resp) == 1 then return fail('BUSY', 'responder ' .. resp) end
local n = #r.tl
for _, o in ipairs(r.offers) do
  if o.st == O_PENDING and (o.s == slot or o.r == resp) then
    close_offer(r, o, O_REVOKED, E_REVOKED, actor, now)
  end
end
event(r, {at = now, t = E_ASSIGNED, a = actor, r = resp, s = slot})
fill(r, {r = resp, s = slot, m = 1, o = '', acc = now}, now)
return done(r, n)
