-- Drop periods of a board that are no longer readable (or all of a deleted board's keys).
-- KEYS[1]  the board's meta
-- ARGV     board key prefix, then period names; none means the whole board
local meta, prefix = KEYS[1], ARGV[1]
if #ARGV == 1 then
  drop_periods(meta, prefix)
  redis.call('DEL', meta, prefix .. 'top10')
  return 1
end
for i = 2, #ARGV do
  redis.call('DEL', prefix .. ARGV[i], prefix .. ARGV[i] .. ':t')
  redis.call('HDEL', meta, 'n:' .. ARGV[i])
end
return #ARGV - 1
