-- Transition moves the incident between states; leaving the active states
-- revokes every pending offer and releases every current assignment.
-- ARGV from, to, allowed ('1' or '0'), event at, actor, responder,
--      offer id, note
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
if r.state ~= from then return fail('CONFLICT', 'incident ' .. r.id .. ' is in another state') end
if ARGV[3] ~= '1' then return fail('TRANSITION', 'from ' .. from .. ' to ' .. to) end
local n = #r.tl
local at, actor = ARGV[4], ARGV[5]
set_state(r, to, {at = at, a = actor, r = ARGV[6], o = ARGV[7], n = ARGV[8]})
if not (to == DISPATCHING or to == ASSIGNED or to == ON_SCENE) then
  for _, o in ipairs(r.offers) do
    if o.st == O_PENDING then close_offer(r, o, O_REVOKED, E_REVOKED, actor, at) end
  end
  for _, a in ipairs(r.asg) do
    if a.rel == '' then release(r, a, at, actor) end
  end
end
return done(r, n)
