-- Keep lb.score_buckets exact: move one player from the bucket of its old total (null for a
-- new player) to the bucket of its new one. Totals only grow, so the old bucket is never above
-- the new one: every transaction locks bucket rows in ascending order and cannot deadlock.
create or replace function lb._move_in_histogram(p_old_total bigint, p_new_total bigint)
returns void
language plpgsql
as $$
declare
    v_new bigint := lb._score_bucket(p_new_total);
begin
    if p_old_total is not null then
        if lb._score_bucket(p_old_total) = v_new then
            return;
        end if;
        update lb.score_buckets as b
        set players = b.players - 1
        where b.bucket = lb._score_bucket(p_old_total);
    end if;
    insert into lb.score_buckets as b (bucket, players)
    values (v_new, 1)
    on conflict (bucket) do update set players = b.players + 1;
end;
$$;
