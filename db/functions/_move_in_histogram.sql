-- Keep lb.board_buckets exact: move one entry of a board-period from the bucket of its old
-- value (null for a new entry) to the bucket of its new one. Called at commit by the deferred
-- triggers on lb.board_entries. Bucket rows are locked in ascending bucket order, so two
-- committing transactions can never wait on each other in a cycle.
create or replace function lb._move_in_histogram(
    p_board_no integer, p_period timestamptz, p_old_value bigint, p_new_value bigint
)
returns void
language plpgsql
as $$
declare
    v_old bigint := lb._score_bucket(p_old_value);
    v_new bigint := lb._score_bucket(p_new_value);
begin
    if v_old = v_new then
        return;
    end if;
    if v_old < v_new then
        update lb.board_buckets as b set players = b.players - 1
        where b.board_no = p_board_no and b.period_start = p_period and b.bucket = v_old;
    end if;
    insert into lb.board_buckets as b (board_no, period_start, bucket, players)
    values (p_board_no, p_period, v_new, 1)
    on conflict (board_no, period_start, bucket) do update set players = b.players + 1;
    if v_old > v_new then
        update lb.board_buckets as b set players = b.players - 1
        where b.board_no = p_board_no and b.period_start = p_period and b.bucket = v_old;
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._move_in_histogram from public, lb_game_server, lb_web, lb_bridge;
