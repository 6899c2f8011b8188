-- Shared by every script (prepended when loaded): members and usernames as
-- leaderboard/index/encoding.py defines them.
local TIE_DIGITS = 16

-- a user id's length-prefixed form, which sorts like the integer: 7 -> a7, 123 -> c123
local function enc(digits)
  return string.char(96 + #digits) .. digits
end

-- the user id digits of a member of either kind (tie time first on earliest boards)
local function user_digits(member, earliest)
  if earliest then return string.sub(member, TIE_DIGITS + 2) end
  return string.sub(member, 2)
end

-- a player's username: bucket = all digits but the last two, field = those two as a number
-- (Lua's numbers are doubles and cannot divide a large bigint exactly)
local function name(prefix, epoch, digits)
  local bucket = '0'
  if #digits > 2 then bucket = string.sub(digits, 1, -3) end
  local field = tostring(tonumber(string.sub(digits, -2)))
  return redis.call('HGET', prefix .. epoch .. ':' .. bucket, field)
end

-- a player's member in a board-period: on earliest boards its tie time comes from the ties
-- hash; nil when the player has no entry there
local function member_of(earliest, ties, digits)
  if not earliest then return enc(digits) end
  local tie = redis.call('HGET', ties, digits)
  if not tie then return nil end
  return tie .. enc(digits)
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
