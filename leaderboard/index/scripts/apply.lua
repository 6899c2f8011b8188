-- Write the absolute values of one board's changed entries, if the board's index is still at
-- the cursor they were read from (compare-and-set), then move the cursor.
-- KEYS[1]  the board's meta
-- ARGV     board key prefix, expected cursor, new cursor ('' keeps it), epoch, board_no,
--          board_epoch, then per period: its name, n, and n times (score, tie, encoded user id)
-- Returns 'ok', 'moved' (another writer advanced or rebuilt it), 'missing' or 'epoch'.
-- Never backwards (write_period in _common.lua).
local meta = KEYS[1]
local state = redis.call('HMGET', meta, 'cursor', 'epoch', 'board_no', 'board_epoch', 'tie')
if not state[1] then return 'missing' end
if state[1] ~= ARGV[2] then return 'moved' end
if state[2] ~= ARGV[4] or state[3] ~= ARGV[5] or state[4] ~= ARGV[6] then return 'epoch' end
local earliest = state[5] == 'earliest'
local prefix = ARGV[1]
local i = 7
while i <= #ARGV do
  local period, n = ARGV[i], tonumber(ARGV[i + 1])
  i = write_period(meta, prefix, period, earliest, ARGV, i + 2, n)
end
if ARGV[3] ~= '' then redis.call('HSET', meta, 'cursor', ARGV[3]) end
return 'ok'
