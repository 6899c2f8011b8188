-- The web app's echo of a submit it has just committed (read-your-writes over HTTP): the
-- player's absolute value on one board-period, written with the bridge's never-backwards
-- write, so a read that follows the 201 sees it without waiting for the bridge. It moves no
-- cursor and changes nothing the bridge relies on: the bridge writes the same value (or a
-- newer one) later, and a value never goes backwards whoever writes first.
-- KEYS[1]  the board's meta
-- KEYS[2]  the board's rebuild counter (> 0 while rebuilds run)
-- KEYS[3]  the board's rebuild journal
-- ARGV     board key prefix, epoch, board_no, board_epoch, period, score, tie, encoded user,
--          journal length limit (entries)
-- Returns 'ok', or 'skipped' when the index is missing or of another epoch or board (a
-- clear, a recompute, a board deleted and created again: the value may not belong there;
-- the bridge's rebuild brings it).
-- While a rebuild runs, its snapshot may predate this submit and its install would replace
-- the set written here, so the entry is also journaled: the install replays the journal.
-- The journal has no expiry of its own (the web app may not set one): it is capped, and the
-- next install or the board's removal deletes it; replaying an old entry is harmless.
local meta, counter, journal = KEYS[1], KEYS[2], KEYS[3]
local state = redis.call('HMGET', meta, 'epoch', 'board_no', 'board_epoch', 'tie')
local outcome = 'skipped'
if state[1] == ARGV[2] and state[2] == ARGV[3] and state[3] == ARGV[4] then
  write_period(meta, ARGV[1], ARGV[5], state[4] == 'earliest', ARGV, 6, 1)
  outcome = 'ok'
end
if tonumber(redis.call('GET', counter) or '0') > 0 then
  -- seven fields per entry, so the list stays aligned when trimmed by whole entries
  redis.call('RPUSH', journal, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
  redis.call('LTRIM', journal, -7 * tonumber(ARGV[9]), -1)
end
return outcome
