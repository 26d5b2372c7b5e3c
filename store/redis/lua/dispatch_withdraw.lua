-- Withdraw gives a held slot back and reopens it.
-- ARGV responder, now, actor
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local resp, now, actor = ARGV[1], ARGV[2], ARGV[3]
local a = current(r, resp)
if not a then return fail('NOTFOUND', 'assignment of ' .. resp) end
local n = #r.tl
a.rel, a.wd = now, 1
local o = find_offer(r, a.o)
if o then o.st = O_WITHDRAWN end
redis.call('HDEL', K_HELD, resp)
local sl = r.slots[a.s + 1]
sl.st, sl.who = S_OPEN, ''
event(r, {at = now, t = E_WITHDRAWN, a = actor, r = resp, s = a.s, o = a.o})
if r.state == ASSIGNED then
  local filled = false
  for _, x in ipairs(r.slots) do
    if x.st == S_FILLED then filled = true break end
  end
  if not filled then set_state(r, DISPATCHING, {at = now, a = SYSTEM}) end
end
return done(r, n)
