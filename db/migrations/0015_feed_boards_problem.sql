-- Purpose: lb.feed_boards() reports a board it cannot compute periods for (a `problem`
-- column) instead of failing for every board, so the bridge feeds the others (issue 27). A
-- new result column is a new signature: the function is dropped here and created again from
-- db/functions.
set local role lb_owner;

drop function if exists lb.feed_boards();
