-- Shared by every script (prepended when loaded): members and usernames as
-- leaderboard/index/encoding.py defines them. Ids arrive encoded (a length letter, then base
-- 62 digits) and are only ever cut, never computed with: Lua's numbers are doubles.
local TIE_WIDTH = 9

-- the encoded user id of a member of either kind (tie time first on earliest boards)
local function user_of(member, earliest)
  if earliest then return string.sub(member, TIE_WIDTH + 1) end
  return member
end

-- a player's username: bucket = the encoded id but its last digit, field = that digit
local function name(prefix, epoch, user)
  return redis.call('HGET', prefix .. epoch .. ':' .. string.sub(user, 1, -2), string.sub(user, -1))
end

-- a player's member in a board-period: on earliest boards its tie time comes from the ties
-- hash; nil when the player has no entry there
local function member_of(earliest, ties, user)
  if not earliest then return user end
  local tie = redis.call('HGET', ties, user)
  if not tie then return nil end
  return tie .. user
end

-- delete the sets (and ties hashes) of every period a board's meta counts
local function drop_periods(meta, prefix)
  for _, field in ipairs(redis.call('HKEYS', meta)) do
    if string.sub(field, 1, 2) == 'n:' then
      local period = string.sub(field, 3)
      redis.call('DEL', prefix .. period, prefix .. period .. ':t')
    end
  end
end
