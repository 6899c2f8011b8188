#!lua flags=no-writes
-- A page of a board-period, or the window around one player, with usernames, from one
-- instant of the index.
-- KEYS     the board's meta, the period's set, its ties hash
-- ARGV     offset, count (or radius), encoded user id ('' for a page), usernames key prefix
-- Returns {'ok', start, higher, rows, names, tie, {epoch}} | {'absent'} | {'missing'};
-- higher is the number of members with a higher value than the first row's (for shared
-- ranks); the epoch names the usernames hash, for a caller that reads names itself.
local state = redis.call('HMGET', KEYS[1], 'epoch', 'tie')
if not state[1] then return {'missing'} end
local earliest = state[2] == 'earliest'
local start, stop
if ARGV[3] ~= '' then
  local member = member_of(earliest, KEYS[3], ARGV[3])
  if not member then return {'absent'} end
  local r = redis.call('ZRANK', KEYS[2], member)
  if not r then return {'absent'} end
  start = math.max(0, r - tonumber(ARGV[2]))
  stop = r + tonumber(ARGV[2])
else
  start = tonumber(ARGV[1])
  stop = start + tonumber(ARGV[2]) - 1
end
local rows = redis.call('ZRANGE', KEYS[2], start, stop, 'WITHSCORES')
local higher = 0
if #rows > 0 and not earliest then
  higher = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. rows[2])
end
local names = {}
for i = 1, #rows, 2 do
  names[#names + 1] = name(ARGV[4], state[1], user_of(rows[i], earliest)) or false
end
return {'ok', start, higher, rows, names, state[2], {state[1]}}
