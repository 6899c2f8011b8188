-- Purpose: keep lb.score_buckets from a deferred trigger on lb.leaderboard instead of inside
-- lb.submit_score. Deferred to commit, a transaction holds bucket row locks only while it
-- commits, so an open transaction that submitted does not block other players' submits into
-- the same bucket; and every write to lb.leaderboard keeps the histogram exact.
-- The trigger function is a shim so that its logic, lb._move_in_histogram, lives in
-- db/functions and is kept current by every migrate.

create function lb._on_total_change()
returns trigger
language plpgsql
as $$
begin
    perform lb._move_in_histogram(case when tg_op = 'UPDATE' then old.total_score end, new.total_score);
    return null;
end;
$$;

create constraint trigger _500_maintain_histogram
after insert or update of total_score on lb.leaderboard
deferrable initially deferred
for each row
execute function lb._on_total_change();
