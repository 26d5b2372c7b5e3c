-- Widen moves an open slot to a wider circle.
-- ARGV slot, from, to, now
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local slot, from, to = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local e = check_open_at(r, slot, from)
if e then return e end
local n = #r.tl
r.slots[slot + 1].c = to
event(r, {at = ARGV[4], t = E_WIDENED, a = SYSTEM, s = slot, n = 'circle ' .. (from + 1) .. ' to ' .. (to + 1)})
return done(r, n)
