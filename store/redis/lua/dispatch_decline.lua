-- Decline closes the responder's pending offer.
-- ARGV offer id, responder, now
local r = load()
if not r then return fail('NOTFOUND', 'incident') end
local id, resp, now = ARGV[1], ARGV[2], ARGV[3]
local o = find_offer(r, id)
if not o then return fail('NOTFOUND', 'offer ' .. id) end
if o.r ~= resp then return fail('NOTFOUND', 'offer ' .. id .. ' of responder ' .. resp) end
if o.st ~= O_PENDING then return fail('CONFLICT', 'offer ' .. id .. ' is not pending') end
local n = #r.tl
close_offer(r, o, O_DECLINED, E_DECLINED, resp, now)
return done(r, n)
