-- Where a board's entries in [p_from, p_to) disagree with the session log (of every player,
-- or of p_users): 'missing_entry' (the log implies an entry there is none of),
-- 'extra_entry' (an entry no session accounts for), 'value', and 'tie' (an 'earliest'
-- board's tie time; expected and found are then microseconds since 1970). One statement, so
-- the log and the entries are read in one snapshot: a mismatch is never a write in flight.
create or replace function lb._entry_mismatches(
    p_board lb.boards, p_from timestamptz, p_to timestamptz, p_users bigint[] default null
)
returns table (
    kind text, period_start timestamptz, user_id bigint, expected bigint, found bigint
)
language sql
stable
as $$
    select
        case
            when f.user_id is null then 'missing_entry'
            when x.user_id is null then 'extra_entry'
            when x.value <> f.value then 'value'
            else 'tie'
        end,
        coalesce(x.period_start, f.period_start),
        coalesce(x.user_id, f.user_id),
        case
            when x.value = f.value then (extract(epoch from x.tie_at) * 1000000)::bigint
            else x.value
        end,
        case
            when x.value = f.value then (extract(epoch from f.tie_at) * 1000000)::bigint
            else f.value
        end
    from lb._expected_entries(p_board, p_from, p_to, 0, p_users) as x
    full join (
        select e.period_start, e.user_id, e.value, e.tie_at
        from lb.board_entries as e
        where
            e.board_no = p_board.board_no
            and e.period_start >= p_from
            and e.period_start < p_to
            and (p_users is null or e.user_id = any(p_users))
    ) as f
        on x.period_start = f.period_start and x.user_id = f.user_id
    where
        x.user_id is null
        or f.user_id is null
        or x.value <> f.value
        or x.tie_at <> f.tie_at
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._entry_mismatches from public, lb_game_server, lb_web, lb_bridge;
