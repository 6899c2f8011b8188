-- Keep lb.score_buckets exact: move one player from the bucket of its old total (null for a
-- new player) to the bucket of its new one. Called at commit by the deferred trigger on
-- lb.leaderboard. Bucket rows are locked in ascending bucket order, so two committing
-- transactions can never wait on each other in a cycle.
create or replace function lb._move_in_histogram(p_old_total bigint, p_new_total bigint)
returns void
language plpgsql
as $$
declare
    v_old bigint := lb._score_bucket(p_old_total);
    v_new bigint := lb._score_bucket(p_new_total);
begin
    if v_old = v_new then
        return;
    end if;
    if v_old < v_new then
        update lb.score_buckets as b set players = b.players - 1 where b.bucket = v_old;
    end if;
    insert into lb.score_buckets as b (bucket, players)
    values (v_new, 1)
    on conflict (bucket) do update set players = b.players + 1;
    if v_old > v_new then
        update lb.score_buckets as b set players = b.players - 1 where b.bucket = v_old;
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._move_in_histogram from public, lb_game_server, lb_web, lb_bridge;
