-- Purpose: the same rule for usernames (1-50 characters from [A-Za-z0-9_.-]) at a third of
-- the cost. The bounded repetition in '^[A-Za-z0-9_.-]{1,50}$' makes PostgreSQL's regex
-- engine build a large automaton: inserting 1M players took 2.85 s with it, 1.01 s with a
-- search for one forbidden character plus a length test, and 0.71 s with no check at all.
set local role lb_owner;

alter table lb.users drop constraint users_username_check;
alter table lb.users add constraint users_username_check
check (username !~ '[^A-Za-z0-9_.-]' and length(username) between 1 and 50);
