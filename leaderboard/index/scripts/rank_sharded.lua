#!lua flags=no-writes
-- rank.lua over the shards of a sharded deployment: one player's value, rank and username
-- in one board-period, from every shard's part of the index in one instant.
-- KEYS     per shard k (in order): its meta, its period set, its ties hash
-- ARGV     the owner shard (1-based), encoded user id, the owner's usernames key prefix
-- Returns as rank.lua; {'missing'} when any shard's part is missing.
local shards = #KEYS / 3
local owner = tonumber(ARGV[1])
local tie
local epoch
for k = 1, shards do
  local state = redis.call('HMGET', KEYS[3 * k - 2], 'epoch', 'tie')
  if not state[1] then return {'missing'} end
  if k == owner then epoch, tie = state[1], state[2] end
end
local earliest = tie == 'earliest'
local member = member_of(earliest, KEYS[3 * owner], ARGV[2])
local score = member and redis.call('ZSCORE', KEYS[3 * owner - 1], member)
if not score then return {'absent', name(ARGV[3], epoch, ARGV[2]), epoch} end
local rank = 1
for k = 1, shards do
  local set = KEYS[3 * k - 1]
  if earliest and k == owner then
    rank = rank + redis.call('ZRANK', set, member)
  elseif earliest then
    rank = rank + before_in(set, score, member)
  else
    -- competition rank: 1 + every shard's members with a strictly higher value
    rank = rank + redis.call('ZCOUNT', set, '-inf', '(' .. score)
  end
end
return {'ok', score, rank, name(ARGV[3], epoch, ARGV[2]), epoch}
