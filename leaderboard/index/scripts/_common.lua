-- Shared by every script (prepended when loaded): members and usernames as
-- leaderboard/index/encoding.py defines them. Ids arrive encoded (a length letter, then base
-- 62 digits) and are only ever cut, never computed with: Lua's numbers are doubles.
local TIE_WIDTH = 9

-- the encoded user id of a member of either kind (tie time first on earliest boards)
local function user_of(member, earliest)
  if earliest then return string.sub(member, TIE_WIDTH + 1) end
  return member
end

-- a player's username: bucket = the encoded id but its last digit, field = that digit; a
-- Redis Cluster keeps usernames in other slots than the board's, so there the caller passes
-- an empty prefix and reads them itself
local function name(prefix, epoch, user)
  if prefix == '' then return false end
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

-- Write absolute values into one board-period, never backwards: a value only grows within a
-- period, so an older state of an entry (a replay, a slower bridge, the web app echoing a
-- submit the bridge already applied) never overwrites a newer one: ZADD LT on -value, and
-- on earliest boards the same comparison by hand on (value, tie time). `a` holds n triples
-- (score, tie, encoded user id) from index i; members new to the set are counted in the
-- meta's n:<period>, which is how lost members are noticed. Returns the index after them.
local function write_period(meta, prefix, period, earliest, a, i, n)
  local set = prefix .. period
  local added = 0
  if earliest then
    local ties = set .. ':t'
    for _ = 1, n do
      local score, tie, uid = a[i], a[i + 1], a[i + 2]
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
      args[#args + 1] = a[i]
      args[#args + 1] = a[i + 2]
      i = i + 3
    end
    added = redis.call('ZADD', set, 'LT', unpack(args))
  end
  if added > 0 then redis.call('HINCRBY', meta, 'n:' .. period, added) end
  return i
end


-- Byte order, as Redis orders members: Lua's own string comparison follows the C library's
-- collation, which a server started under a non-C locale applies to these mixed-case ids.
local function bytes_before(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- rows {member, score, shard} in index order: score, then member
local function row_before(a, b)
  local x, y = tonumber(a[2]), tonumber(b[2])
  if x ~= y then return x < y end
  return bytes_before(a[1], b[1])
end

-- How many members of `set` come before (score, member) in index order: those with a lower
-- score, then the equal scores whose member sorts first, counted one by one (ties only).
local function before_in(set, score, member)
  local n = redis.call('ZCOUNT', set, '-inf', '(' .. score)
  for _, other in ipairs(redis.call('ZRANGE', set, score, score, 'BYSCORE')) do
    if bytes_before(other, member) then n = n + 1 end
  end
  return n
end
