-- Shared helpers of the dispatch scripts (prefixed to each of them).
-- Every mutation script declares the same keys:
-- KEYS[1] the incident's record, KEYS[2] request id → incident id,
-- KEYS[3] offer id → incident id, KEYS[4] responder id → incident id of
-- the current assignment, KEYS[5] pending offers by deadline, KEYS[6]
-- unstaffed incidents, KEYS[7] every incident in listing order. Each checks everything before it writes anything,
-- so an error reply means nothing changed. Times are Unix nanoseconds as
-- decimal strings ('' for none); codes are those of dispatch_record.go.
local K_INC, K_REQ, K_OFF, K_HELD, K_PEND, K_UNST = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local K_LIST = KEYS[7]

local DISPATCHING, ASSIGNED, ON_SCENE = 2, 3, 4
local S_OPEN, S_OFFERED, S_FILLED, S_EXHAUSTED = 1, 2, 3, 4
local O_PENDING, O_ACCEPTED, O_DECLINED, O_LAPSED, O_WITHDRAWN, O_REVOKED = 1, 2, 3, 4, 5, 6
local E_TRANSITION, E_OFFERED, E_ACCEPTED, E_DECLINED, E_LAPSED, E_REVOKED = 2, 3, 4, 5, 6, 7
local E_ASSIGNED, E_WITHDRAWN, E_RELEASED, E_ARRIVED, E_WIDENED, E_EXHAUSTED = 8, 9, 10, 11, 12, 13
local SYSTEM = 'system'
-- LISTS are the record's arrays, left out when empty (cjson would encode
-- an empty table as an object).
local LISTS = {'slots', 'offers', 'asg', 'tl'}

-- fail is the error reply of a failed precondition: a code Go maps to a
-- sentinel error, then the detail.
local function fail(code, msg)
  return redis.error_reply('DISPATCH_' .. code .. ' ' .. msg)
end

local function active(r)
  return r.state == DISPATCHING or r.state == ASSIGNED or r.state == ON_SCENE
end

-- tlt reports whether time a is before time b.
local function tlt(a, b)
  if a == b then return false end
  if a == '' then return true end
  if b == '' then return false end
  local na, nb = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'
  if na ~= nb then return na end
  local x, y = a, b
  if na then x, y = string.sub(b, 2), string.sub(a, 2) end
  if #x ~= #y then return #x < #y end
  return x < y
end

-- load returns the incident record and its stored text, or nil.
local function load()
  local s = redis.call('GET', K_INC)
  if not s then return nil end
  local r = cjson.decode(s)
  for _, f in ipairs(LISTS) do r[f] = r[f] or {} end
  return r, s
end

local function event(r, ev)
  ev.r = ev.r or ''
  ev.o = ev.o or ''
  ev.f = ev.f or 0
  ev.to = ev.to or 0
  ev.n = ev.n or ''
  if ev.s == nil then ev.s = -1 end
  r.tl[#r.tl + 1] = ev
end

local function pending_on(r, slot)
  local n = 0
  for _, o in ipairs(r.offers) do
    if o.s == slot and o.st == O_PENDING then n = n + 1 end
  end
  return n
end

local function find_offer(r, id)
  if id == '' then return nil end
  for _, o in ipairs(r.offers) do
    if o.id == id then return o end
  end
  return nil
end

local function current(r, resp)
  for _, a in ipairs(r.asg) do
    if a.r == resp and a.rel == '' then return a end
  end
  return nil
end

-- close_offer moves a pending offer to st and reopens its slot if nothing
-- else is pending on it.
local function close_offer(r, o, st, et, actor, now)
  o.st, o.cl = st, now
  redis.call('ZREM', K_PEND, o.id)
  event(r, {at = now, t = et, a = actor, r = o.r, s = o.s, o = o.id})
  local sl = r.slots[o.s + 1]
  if sl.st == S_OFFERED and pending_on(r, o.s) == 0 then sl.st = S_OPEN end
end

-- set_state moves the incident to st, appending ev as its transition.
local function set_state(r, st, ev)
  ev.t, ev.f, ev.to, ev.s = E_TRANSITION, r.state, st, -1
  if ev.a == nil or ev.a == '' then ev.a = SYSTEM end
  r.state = st
  event(r, ev)
end

-- fill gives the slot to a.r: the slot's pending offers are revoked, the
-- assignment recorded and a dispatching incident assigned.
local function fill(r, a, now)
  for _, o in ipairs(r.offers) do
    if o.st == O_PENDING and o.s == a.s then close_offer(r, o, O_REVOKED, E_REVOKED, SYSTEM, now) end
  end
  local sl = r.slots[a.s + 1]
  a.c, a.arr, a.tgt, a.rel, a.wd = sl.c, '', '0', '', 0
  r.asg[#r.asg + 1] = a
  sl.st, sl.who = S_FILLED, a.r
  redis.call('HSET', K_HELD, a.r, r.id)
  if r.state == DISPATCHING then set_state(r, ASSIGNED, {at = now, a = SYSTEM}) end
end

local function release(r, a, now, actor)
  a.rel = now
  redis.call('HDEL', K_HELD, a.r)
  event(r, {at = now, t = E_RELEASED, a = actor, r = a.r, s = a.s})
end

-- check_active_slot checks that the incident is active and slot exists.
local function check_active_slot(r, slot)
  if slot < 0 or slot >= #r.slots then
    return fail('INVALID', 'slot ' .. slot .. ': outside [0, ' .. #r.slots .. ')')
  end
  if not active(r) then return fail('CONFLICT', 'incident ' .. r.id .. ' is not active') end
  return nil
end

-- check_open_at checks that slot is open at circle from on an active
-- incident.
local function check_open_at(r, slot, from)
  local e = check_active_slot(r, slot)
  if e then return e end
  local sl = r.slots[slot + 1]
  if sl.st ~= S_OPEN or sl.c ~= from then
    return fail('CONFLICT', 'slot ' .. slot .. ' is not open at circle ' .. from)
  end
  return nil
end

-- save writes the record back and keeps the unstaffed index.
local function save(r)
  local open = false
  if active(r) then
    for _, sl in ipairs(r.slots) do
      if sl.st == S_OPEN then open = true break end
    end
  end
  if open then redis.call('ZADD', K_UNST, 0, r.uk) else redis.call('ZREM', K_UNST, r.uk) end
  for _, f in ipairs(LISTS) do
    if next(r[f]) == nil then r[f] = nil end
  end
  local s = cjson.encode(r)
  redis.call('SET', K_INC, s)
  return s
end

-- The reply of a successful mutation: the record and how many events it
-- had before.
local function done(r, n)
  return {'ok', tostring(n), save(r)}
end
