-- A rebuild ends without installing (it failed, or its board is gone): uncount it, and drop
-- the journal once no rebuild of the board runs.
-- KEYS[1]  the board's rebuild counter, KEYS[2] its journal
if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return 1
