-- Drop replaces by its tombstone the copy a cross-shard move left behind
-- (step 4), if it is still that copy: marked as moving to ARGV[2] at
-- version ARGV[3].
-- KEYS[1] the old shard's recs
-- ARGV    field, to shard, version
local r = load(KEYS[1], ARGV[1])
if not r or r.to ~= ARGV[2] or r.ver ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], tomb(r.ver))
return 1
