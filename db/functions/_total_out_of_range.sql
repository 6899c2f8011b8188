-- Raise the documented error for a submit that would take a sum past lb._max_value() (SQLSTATE
-- 22003),
-- naming the board: the player's total on `global`, or its value on another sum board.
create or replace function lb._total_out_of_range(
    p_user_id bigint, p_score integer, p_game_mode text, p_at timestamptz
)
returns void
language plpgsql
stable
as $$
declare
    v_board text;
begin
    select b.board_id into v_board
    from lb.boards as b
    inner join lb.board_entries as e
        on b.board_no = e.board_no and e.period_start = lb._period_of(b, p_at) and e.user_id = p_user_id
    where
        b.enabled and b.aggregate = 'sum'
        and (b.game_mode is null or b.game_mode = p_game_mode)
        and e.value > lb._max_value() - p_score
    order by b.board_id <> 'global', b.board_id
    limit 1;
    raise exception using
        errcode = 'numeric_value_out_of_range',
        message = case when v_board = 'global'
            then format('total score of player %s would exceed %s', p_user_id, lb._max_value())
            else format(
                'value of player %s on board %s would exceed %s', p_user_id,
                quote_literal(v_board), lb._max_value()
            )
        end,
        column = 'p_score';
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._total_out_of_range from public, lb_game_server, lb_web, lb_bridge;
