-- Refresh the board definition and current period that readers find in a board's meta, but
-- only in an index that exists: a meta without a cursor would look like a broken index.
-- KEYS[1]  the board's meta
-- ARGV     field/value pairs
if redis.call('HEXISTS', KEYS[1], 'cursor') == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
