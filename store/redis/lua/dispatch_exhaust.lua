-- Exhaust marks an open slot exhausted.
-- ARGV slot, from, now
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local slot, from = tonumber(ARGV[1]), tonumber(ARGV[2])
local e = check_open_at(r, slot, from)
if e then return e end
local n = #r.tl
r.slots[slot + 1].st = S_EXHAUSTED
event(r, {at = ARGV[3], t = E_EXHAUSTED, a = SYSTEM, s = slot})
return done(r, n)
