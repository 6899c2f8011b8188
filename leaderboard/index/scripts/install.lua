-- Swap a rebuilt board in: drop the sets the old meta knew of, RENAME the temporary sets into
-- place, and write the new meta (with the cursor they reflect) in one atomic call, so readers
-- see the old index or the new one, never a mix.
-- KEYS[1]  the board's meta
-- ARGV     board key prefix, temporary key prefix, number of periods P, P times (period,
--          members), then the meta's other fields as field/value pairs
local meta = KEYS[1]
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
return periods
