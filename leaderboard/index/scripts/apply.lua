-- Write the absolute values of one board's changed entries, if the board's index is still at
-- the cursor they were read from (compare-and-set), then move the cursor.
-- KEYS[1]  the board's meta
-- ARGV     board key prefix, expected cursor, new cursor ('' keeps it), epoch, board_no,
--          board_epoch, then per period: its name, n, and n times (score, tie, encoded user id)
-- Returns 'ok', 'moved' (another writer advanced or rebuilt it), 'missing' or 'epoch'.
-- Never backwards: a value only grows within a period, so an older state of an entry (a
-- replay, a slower bridge) never overwrites a newer one: ZADD LT on -value, and on earliest
-- boards the same comparison by hand on (value, tie time).
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
  i = i + 2
  local set = prefix .. period
  local added = 0
  if earliest then
    local ties = set .. ':t'
    for _ = 1, n do
      local score, tie, uid = ARGV[i], ARGV[i + 1], ARGV[i + 2]
      i = i + 3
      local old_tie = redis.call('HGET', ties, uid)
      if not old_tie then
        redis.call('ZADD', set, score, tie .. uid)
        redis.call('HSET', ties, uid, tie)
        added = added + 1
      elseif old_tie == tie then
        redis.call('ZADD', set, 'LT', score, tie .. uid)
      else
        local old_member = old_tie .. uid
        local old_score = redis.call('ZSCORE', set, old_member)
        local new, old = tonumber(score), tonumber(old_score)
        -- better: a higher value (lower score), or the same value reached earlier
        if not old_score or new < old or (new == old and tie < old_tie) then
          redis.call('ZREM', set, old_member)
          redis.call('ZADD', set, score, tie .. uid)
          redis.call('HSET', ties, uid, tie)
        end
      end
    end
  elseif n > 0 then
    local args = {}
    for _ = 1, n do
      args[#args + 1] = ARGV[i]
      args[#args + 1] = ARGV[i + 2]
      i = i + 3
    end
    added = redis.call('ZADD', set, 'LT', unpack(args))
  end
  if added > 0 then redis.call('HINCRBY', meta, 'n:' .. period, added) end
end
if ARGV[3] ~= '' then redis.call('HSET', meta, 'cursor', ARGV[3]) end
return 'ok'
