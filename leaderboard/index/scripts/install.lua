-- Swap a rebuilt board in: drop the sets the old meta knew of, RENAME the temporary sets into
-- place, and write the new meta (with the cursor they reflect) in one atomic call, so readers
-- see the old index or the new one, never a mix.
-- KEYS[1]  the board's meta
-- KEYS[2]  the board's rebuild counter, KEYS[3] its journal (see remember.lua)
-- ARGV     board key prefix, temporary key prefix, number of periods P, P times (period,
--          members), then the meta's other fields as field/value pairs
-- The web app's echoes journaled since this rebuild began are replayed on the new sets
-- (those of this epoch and board; never backwards), so a submit answered while the rebuild
-- ran stays visible, although the snapshot the sets were loaded from may predate it.
local meta, counter, journal = KEYS[1], KEYS[2], KEYS[3]
local prefix, temp = ARGV[1], ARGV[2]
drop_periods(meta, prefix)
redis.call('DEL', meta)
local periods = tonumber(ARGV[3])
local fields = {}
local i = 4
for _ = 1, periods do
  local period, members = ARGV[i], ARGV[i + 1]
  i = i + 2
  for _, suffix in ipairs({'', ':t'}) do
    if redis.call('EXISTS', temp .. period .. suffix) == 1 then
      redis.call('RENAME', temp .. period .. suffix, prefix .. period .. suffix)
      redis.call('PERSIST', prefix .. period .. suffix)
    else
      redis.call('DEL', prefix .. period .. suffix)
    end
  end
  fields[#fields + 1] = 'n:' .. period
  fields[#fields + 1] = members
end
for k = i, #ARGV do fields[#fields + 1] = ARGV[k] end
redis.call('HSET', meta, unpack(fields))
local state = redis.call('HMGET', meta, 'epoch', 'board_no', 'board_epoch', 'tie')
local echoes = redis.call('LRANGE', journal, 0, -1)
for k = 1, #echoes - 6, 7 do
  if echoes[k] == state[1] and echoes[k + 1] == state[2] and echoes[k + 2] == state[3] then
    write_period(meta, prefix, echoes[k + 3], state[4] == 'earliest', echoes, k + 4, 1)
  end
end
-- other rebuilds of this board may still be running: the journal stays until the last ends
if redis.call('DECR', counter) <= 0 then redis.call('DEL', counter, journal) end
return periods
