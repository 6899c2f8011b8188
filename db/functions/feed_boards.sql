-- The boards as the bridge needs them: the internal number and epoch its index is checked
-- against, how ties rank, and the bounds of the current period and of the oldest readable
-- one, as epoch seconds (null for an all-time board), which it publishes for readers and
-- prunes by. A board whose periods cannot be computed (its time zone gone from the server's
-- time zone database, say) comes back with null bounds and the error in `problem`: the bridge
-- leaves that board alone and feeds the others (one board that failed here stopped the
-- bridge for every board, issue 27). A subtransaction per board, for a handful of boards
-- once a second.
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
    oldest_start bigint,
    problem text
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_number bigint;
    v_start timestamptz;
begin
    for v_board in select b.* from lb.boards as b order by b.board_no loop
        board_no := v_board.board_no;
        board_id := v_board.board_id;
        board_epoch := v_board.epoch;
        tie_break := v_board.tie_break;
        aggregate := v_board.aggregate;
        reset := v_board.reset;
        game_mode := v_board.game_mode;
        enabled := v_board.enabled;
        current_start := null;
        current_end := null;
        oldest_start := null;
        problem := null;
        if v_board.reset <> 'never' then
            begin
                v_number := lb._period_number(v_board, lb._now());
                v_start := lb._period_start(v_board, v_number);
                current_start := extract(epoch from v_start)::bigint;
                current_end := extract(epoch from lb._period_end(v_board, v_start))::bigint;
                oldest_start := extract(
                    epoch from lb._period_start(v_board, v_number - v_board.retain_periods)
                )::bigint;
            exception when others then
                current_start := null;
                current_end := null;
                problem := sqlerrm;
            end;
        end if;
        return next;
    end loop;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.feed_boards from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.feed_boards to lb_bridge;
