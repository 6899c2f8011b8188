-- One row per board from every shard's rows of it: the definitions are the same on every
-- shard (each board change runs on all of them), the player counts add up. A board whose
-- definitions differ between shards shows up once per version, which `leaderboard shards
-- check` reports; created_at is the earliest shard's.
create or replace function lb_proxy._merge_boards(p_rows lb.board_info[])
returns setof lb.board_info
language sql
immutable
as $$
    select
        r.board_id, r.game_mode, r.aggregate, r.reset, r.reset_every, r.reset_anchor, r.time_zone,
        r.tie_break, r.retain_periods, r.starts_at, r.ends_at, r.enabled, r.period_start,
        r.period_end, r.next_reset_at, sum(r.players)::bigint, min(r.created_at)
    from unnest(p_rows) as r
    group by
        r.board_id, r.game_mode, r.aggregate, r.reset, r.reset_every, r.reset_anchor, r.time_zone,
        r.tie_break, r.retain_periods, r.starts_at, r.ends_at, r.enabled, r.period_start,
        r.period_end, r.next_reset_at
    order by r.board_id <> 'global', r.board_id
$$;

revoke all on function lb_proxy._merge_boards from public;
grant execute on function lb_proxy._merge_boards to lb_game_server, lb_web;
