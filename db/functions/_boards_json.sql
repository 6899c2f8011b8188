-- The boards a session counted on as lb.session_boards shows them: [{board, period_start,
-- value}] in the order given (`global` first), period_start in UTC as the HTTP API shows
-- times (2026-03-30T00:00:00.000Z), null for an all-time board's one period.
create or replace function lb._boards_json(
    p_boards text[], p_periods timestamptz[], p_values bigint[]
)
returns jsonb
language plpgsql
immutable
as $$
begin
    -- PL/pgSQL keeps this query's plan; a SQL function was planned on every call (~0.3 ms
    -- of each keyed submit)
    return (select coalesce(jsonb_agg(
        jsonb_build_object(
            'board', b.board,
            'period_start', to_char(
                nullif(b.period_start, '-infinity') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'
            ),
            'value', b.value
        )
        order by b.n
    ), '[]'::jsonb)
    from unnest(p_boards, p_periods, p_values) with ordinality as b (board, period_start, value, n));
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._boards_json from public, lb_game_server, lb_web, lb_bridge;
