#!lua flags=no-writes
-- One player's value, rank and username in one board-period, from one instant of the index.
-- KEYS     the board's meta, the period's set, its ties hash
-- ARGV     encoded user id, usernames key prefix
-- Returns {'ok', score, rank, username, epoch} | {'absent', username, epoch} (no entry in
-- this period; the username, when the index knows the player) | {'missing'} (no index for
-- the board). The epoch names the usernames hash, for a caller that reads names itself.
local state = redis.call('HMGET', KEYS[1], 'epoch', 'tie')
if not state[1] then return {'missing'} end
local earliest = state[2] == 'earliest'
local member = member_of(earliest, KEYS[3], ARGV[1])
local score = member and redis.call('ZSCORE', KEYS[2], member)
if not score then return {'absent', name(ARGV[2], state[1], ARGV[1]), state[1]} end
local rank
if earliest then
  rank = redis.call('ZRANK', KEYS[2], member) + 1
else
  -- competition rank: 1 + the members with a strictly higher value (a lower score)
  rank = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. score) + 1
end
return {'ok', score, rank, name(ARGV[2], state[1], ARGV[1]), state[1]}
