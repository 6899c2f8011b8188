-- The boards as the bridge needs them: the internal number and epoch its index is checked
-- against, how ties rank, and the bounds of the current period and of the oldest readable
-- one, as epoch seconds (null for an all-time board), which it publishes for readers and
-- prunes by.
create or replace function lb.feed_boards()
returns table (
    board_no integer,
    board_id text,
    board_epoch bigint,
    tie_break text,
    aggregate text,
    reset text,
    game_mode text,
    enabled boolean,
    current_start bigint,
    current_end bigint,
    oldest_start bigint
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        b.board_no,
        b.board_id,
        b.epoch,
        b.tie_break,
        b.aggregate,
        b.reset,
        b.game_mode,
        b.enabled,
        case when b.reset <> 'never' then extract(epoch from c.period_start)::bigint end,
        case when b.reset <> 'never' then extract(epoch from lb._period_end(b, c.period_start))::bigint end,
        case when b.reset <> 'never' then extract(epoch from lb._period_start(b, c.n - b.retain_periods))::bigint end
    from lb.boards as b
    cross join lateral (
        select
            lb._period_number(b, lb._now()) as n,
            lb._period_start(b, lb._period_number(b, lb._now())) as period_start
    ) as c
    order by b.board_no
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.feed_boards from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.feed_boards to lb_bridge;
