-- Every board, `global` first, with its definition and current period (see
-- lb._describe_board). Disabled boards are listed too: they keep their values and stay
-- readable, they only stop counting sessions.
create or replace function lb.boards()
returns setof lb.board_info
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select d.*
    from lb.boards as b
    cross join lateral lb._describe_board(b) as d
    order by b.board_id <> 'global', b.board_id
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.boards from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.boards to lb_game_server, lb_web;
