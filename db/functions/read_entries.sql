-- Some players' entries in one board-period, as lb.read_board returns them, with when each
-- last changed (null value: no entry; no row: no such player). For checks of the index
-- against PostgreSQL (`leaderboard verify`, the bridge's sampling), which read a few
-- players at a time and must tell a write in flight from drift.
create or replace function lb.read_entries(
    p_board_no integer, p_period timestamptz, p_users bigint[]
)
returns table (
    user_id bigint, value bigint, tie_at timestamptz, username text, updated_at timestamptz
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select u.id, e.value, nullif(e.tie_at, '-infinity'), u.username, e.updated_at
    from lb.users as u
    left join lb.board_entries as e
        on
            e.board_no = p_board_no
            and e.period_start = coalesce(p_period, '-infinity')
            and e.user_id = u.id
    where u.id = any(p_users)
    order by u.id
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.read_entries from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.read_entries to lb_bridge, lb_web;
