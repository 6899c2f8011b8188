-- The entries of one board-period, in user order, for a rebuild of its index; call it in a
-- REPEATABLE READ transaction after lb.feed_position(), so every read sees one snapshot.
-- Usernames only when asked: they are shared by every board, and a rebuild writes them only
-- for `global`, which has an entry for every player that has one anywhere. A shared tie
-- (-infinity) comes back as null. One period a call, so a row carries no period to convert
-- (2 s of a 3.4M-entry rebuild), in the primary key's order, returned as read: a plpgsql
-- function materializes its result first (lb.read_changes(null) took 5.0 s where this takes
-- 0.6 s).
create or replace function lb.read_board(
    p_board_no integer, p_period timestamptz, p_with_names boolean default false
)
returns table (user_id bigint, value bigint, tie_at timestamptz, username text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        e.user_id,
        e.value,
        nullif(e.tie_at, '-infinity'),
        case when p_with_names then (select u.username from lb.users as u where u.id = e.user_id) end
    from lb.board_entries as e
    where e.board_no = p_board_no and e.period_start = coalesce(p_period, '-infinity')
    order by e.board_no, e.period_start, e.user_id
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.read_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.read_board to lb_bridge;
