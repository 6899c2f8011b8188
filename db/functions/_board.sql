-- The board with this id, or the documented error: P0002 naming it (COLUMN p_board).
create or replace function lb._board(p_board text)
returns lb.boards
language plpgsql
stable
as $$
declare
    v_board lb.boards;
begin
    if p_board is null then
        perform lb._invalid_argument('p_board', 'must be a board id', null);
    end if;
    select b.* into v_board from lb.boards as b where b.board_id = p_board;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('board %s does not exist', quote_literal(p_board)),
            column = 'p_board';
    end if;
    return v_board;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._board from public, lb_game_server, lb_web, lb_bridge;
