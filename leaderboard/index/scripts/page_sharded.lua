#!lua flags=no-writes
-- page.lua over the shards of a sharded deployment: a page of a board-period, or the window
-- around one player, merged from every shard's part of the index in one instant. Every
-- entry of the global page (or window) is within the same reach of its own shard's set, so
-- each shard contributes at most offset + count (or 2 * radius + 1) rows and the merge is
-- exact.
-- KEYS     per shard k (in order): its meta, its period set, its ties hash
-- ARGV     offset, count (or radius), encoded user id ('' for a page), the owner shard
--          (1-based, for a window), then each shard's usernames key prefix
-- Returns as page.lua, then each row's shard (1-based); the epochs are each row's.
local shards = #KEYS / 3
local tie
local epochs = {}
for k = 1, shards do
  local state = redis.call('HMGET', KEYS[3 * k - 2], 'epoch', 'tie')
  if not state[1] then return {'missing'} end
  epochs[k] = state[1]
  tie = state[2]
end
local earliest = tie == 'earliest'
local rows = {}
local start, first, last
if ARGV[3] ~= '' then
  local owner = tonumber(ARGV[4])
  local radius = tonumber(ARGV[2])
  local member = member_of(earliest, KEYS[3 * owner], ARGV[3])
  if not member then return {'absent'} end
  local score = redis.call('ZSCORE', KEYS[3 * owner - 1], member)
  if not score then return {'absent'} end
  -- the player's global position (0-based): the entries before it on every shard
  local position = 0
  for k = 1, shards do
    local set = KEYS[3 * k - 1]
    local p
    if k == owner then
      p = redis.call('ZRANK', set, member)
    else
      p = before_in(set, score, member)
    end
    position = position + p
    local got = redis.call('ZRANGE', set, math.max(0, p - radius), p + radius - (k == owner and 0 or 1), 'WITHSCORES')
    for i = 1, #got, 2 do rows[#rows + 1] = {got[i], got[i + 1], k} end
  end
  table.sort(rows, row_before)
  local at
  for i, row in ipairs(rows) do
    if row[1] == member then at = i end
  end
  first = math.max(1, at - radius)
  last = math.min(#rows, at + radius)
  start = position - (at - first)
else
  local offset, count = tonumber(ARGV[1]), tonumber(ARGV[2])
  for k = 1, shards do
    local got = redis.call('ZRANGE', KEYS[3 * k - 1], 0, offset + count - 1, 'WITHSCORES')
    for i = 1, #got, 2 do rows[#rows + 1] = {got[i], got[i + 1], k} end
  end
  table.sort(rows, row_before)
  first, last, start = offset + 1, math.min(#rows, offset + count), offset
end
local flat, names, row_epochs, row_shards = {}, {}, {}, {}
for i = first, last do
  local row = rows[i]
  flat[#flat + 1] = row[1]
  flat[#flat + 1] = row[2]
  names[#names + 1] = name(ARGV[4 + row[3]], epochs[row[3]], user_of(row[1], earliest)) or false
  row_epochs[#row_epochs + 1] = epochs[row[3]]
  row_shards[#row_shards + 1] = row[3]
end
local higher = 0
if #flat > 0 and not earliest then
  for k = 1, shards do
    higher = higher + redis.call('ZCOUNT', KEYS[3 * k - 1], '-inf', '(' .. flat[2])
  end
end
return {'ok', start, higher, flat, names, tie, row_epochs, row_shards}
