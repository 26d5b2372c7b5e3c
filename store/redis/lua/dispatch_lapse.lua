-- Lapse closes a pending offer at or after its deadline.
-- ARGV offer id, now
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local id, now = ARGV[1], ARGV[2]
local o = find_offer(r, id)
if not o then return fail('NOTFOUND', 'offer ' .. id) end
if o.st ~= O_PENDING then return fail('CONFLICT', 'offer ' .. id .. ' is not pending') end
if tlt(now, o.exp) then return fail('CONFLICT', 'offer ' .. id .. ' has not expired') end
local n = #r.tl
close_offer(r, o, O_LAPSED, E_LAPSED, SYSTEM, now)
return done(r, n)
