-- Arrive records a current assignee's arrival (time to scene and target
-- met are derived from it when read).
-- ARGV responder, at, target (ns), actor, override ('1' or '0')
local r, raw = load()
if not r then return fail('NOTFOUND', 'incident') end
local resp, at, actor, override = ARGV[1], ARGV[2], ARGV[4], ARGV[5] == '1'
local a = current(r, resp)
if not a then return fail('NOTFOUND', 'assignment of ' .. resp) end
local n = #r.tl
if a.arr ~= '' and not override then return {'ok', tostring(n), raw} end
a.arr, a.tgt = at, ARGV[3]
local note = ''
if override then note = 'override' end
event(r, {at = at, t = E_ARRIVED, a = actor, r = resp, s = a.s, n = note})
if r.state == ASSIGNED then set_state(r, ON_SCENE, {at = at, a = actor}) end
return done(r, n)
