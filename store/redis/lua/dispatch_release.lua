-- Release ends the responder's current assignment; the slot stays filled.
-- ARGV responder, now, actor
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local a = current(r, ARGV[1])
if not a then return fail('NOTFOUND', 'assignment of ' .. ARGV[1]) end
local n = #r.tl
release(r, a, ARGV[2], ARGV[3])
return done(r, n)
