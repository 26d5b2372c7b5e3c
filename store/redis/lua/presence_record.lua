-- The presence record, shared by every presence script (Go prepends this
-- file to each). A record is one string of space-separated fields in this
-- order, the home grid last so that it may hold anything:
--
--   1 status kind seen mode fix start ver to hasfix inside lat lng acc cell home
--
-- Times are "<unix seconds>.<9-digit nanoseconds>"; "to" is "-" or the shard
-- a cross-shard move is taking the record to; "ver" only ever grows, across
-- shifts too. See presence_record.go and the package doc.
local FIELDS = {'v', 'status', 'kind', 'seen', 'mode', 'fix', 'start', 'ver', 'to',
  'hasfix', 'inside', 'lat', 'lng', 'acc', 'cell'}

-- MODES maps a travel mode to the offset of its GEO key after the record
-- hash among KEYS (shard homes pass KEYS[2..5]).
local MODES = {['-'] = 1, walk = 2, bike = 3, car = 4}

local function decode(s)
  local r, pos = {}, 1
  for _, name in ipairs(FIELDS) do
    local sp = string.find(s, ' ', pos, true)
    if not sp then
      error(redis.error_reply('ERR gridwatch: malformed presence record'))
    end
    r[name] = string.sub(s, pos, sp - 1)
    pos = sp + 1
  end
  r.home = string.sub(s, pos)
  return r
end

local function encode(r)
  local t = {}
  for i, name in ipairs(FIELDS) do t[i] = r[name] end
  t[#FIELDS + 1] = r.home
  return table.concat(t, ' ')
end

-- tsplit returns a time's seconds and nanoseconds as numbers (exact: both
-- are far below 2^53).
local function tsplit(t)
  local s, n = string.match(t, '^(%-?%d+)%.(%d+)$')
  return tonumber(s), tonumber(n)
end

local function before(a, b)
  local as, an = tsplit(a)
  local bs, bn = tsplit(b)
  return as < bs or (as == bs and an < bn)
end

-- GEO sets cannot hold points beyond these latitudes.
local MAX_GEO_LAT = 85.05112878

-- member is a record's member in its mode's GEO set: what Nearby needs,
-- exact, so that a search reads nothing else. The ID goes last so that it
-- may hold anything. Every script derives it from the stored record, so the
-- member to remove is always the one that was added.
local function member(r, id)
  return r.kind .. ' ' .. r.seen .. ' ' .. r.lat .. ' ' .. r.lng .. ' ' .. r.cell .. ' ' .. id
end

local function indexed(r)
  return MODES[r.mode] and r.hasfix == '1' and r.status == 'available' and r.to == '-'
    and math.abs(tonumber(r.lat)) <= MAX_GEO_LAT
end

-- index adds an available record with a fix to its mode's GEO set; unindex
-- removes it.
local function index(r, id)
  if indexed(r) then
    redis.call('GEOADD', KEYS[1 + MODES[r.mode]], r.lng, r.lat, member(r, id))
  end
end

local function unindex(r, id)
  if indexed(r) then
    redis.call('ZREM', KEYS[1 + MODES[r.mode]], member(r, id))
  end
end

-- A version is epoch * EPOCH + n: the epoch counts the responder's shifts
-- (the directory keeps it between them), n the changes within one.
local EPOCH = 4294967296

local function epoch(ver)
  return math.floor(ver / EPOCH)
end

local function bump(r)
  r.ver = string.format('%.0f', tonumber(r.ver) + 1)
end

-- A home's field holds a record, or "t <ver>": the tombstone of a record
-- that left (or ended) at version ver, so that a stale copy never returns.
local function tomb(ver)
  return 't ' .. ver
end

-- load returns the record of field in hash key, or nil and the version of
-- its tombstone (0 without one).
local function load(key, field)
  local cur = redis.call('HGET', key, field)
  if not cur then return nil, 0 end
  if string.sub(cur, 1, 2) == 't ' then return nil, tonumber(string.sub(cur, 3)) end
  return decode(cur), 0
end

-- version returns the version of a stored record or tombstone.
local function version(s)
  if string.sub(s, 1, 2) == 't ' then return tonumber(string.sub(s, 3)) end
  return tonumber(decode(s).ver)
end
