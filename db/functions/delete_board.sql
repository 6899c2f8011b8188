-- Admin: delete a board with every value and histogram row it has; the session log keeps
-- every session. Bridges remove its Redis keys. `global` cannot be deleted.
create or replace function lb.delete_board(p_board text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_entries bigint;
begin
    v_board := lb._board(p_board);
    if v_board.board_id = 'global' then
        perform lb._invalid_argument(
            'p_board', 'cannot be ''global'': it is the default board and counts every session', p_board
        );
    end if;
    -- A submit that read the board list just before this commits can still add an entry for
    -- the deleted board after the delete below; such an orphan is invisible (reads and the
    -- feed go through lb.boards) and lb.prune_periods removes it. Locking submits out for
    -- the whole delete instead would stall every write for as long as a large board takes.
    delete from lb.boards as b where b.board_no = v_board.board_no;
    delete from lb.board_entries as e where e.board_no = v_board.board_no;
    get diagnostics v_entries = row_count;
    delete from lb.board_buckets as k where k.board_no = v_board.board_no;
    perform lb._boards_changed();
    return v_entries;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.delete_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.delete_board to lb_web;
