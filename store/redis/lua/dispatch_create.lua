-- Create stores a new incident unless its request id is known.
-- ARGV record, request id ('' for none), member of the listing index
-- Returns {'exists', incident id} or {'created'}.
if ARGV[2] ~= '' then
  local id = redis.call('HGET', K_REQ, ARGV[2])
  if id then return {'exists', id} end
end
if redis.call('EXISTS', K_INC) == 1 then return fail('CONFLICT', 'incident exists') end
redis.call('SET', K_INC, ARGV[1])
redis.call('ZADD', K_LIST, 0, ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', K_REQ, ARGV[2], cjson.decode(ARGV[1]).id) end
return {'created'}
