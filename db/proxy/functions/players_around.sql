-- lb.players_around: the player's entry from the shard that owns them; every shard's up to
-- p_radius neighbours on each side (the global neighbours are among them); then ranks counted
-- on every shard: the player's own on an earliest board (the others are positions from it),
-- each distinct value's on a shared one. Three round trips, each O(radius) per shard.
create or replace function lb_proxy.shard_around(
    p_board text, p_period_key timestamptz, p_value bigint, p_tie_at timestamptz, p_user_id bigint,
    p_radius integer
)
returns table (side integer, user_id bigint, username text, value bigint, tie_at timestamptz)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb._shard_around;
$$;

create or replace function lb.players_around(
    p_user_id bigint,
    p_radius integer default 5,
    p_board text default 'global',
    p_period timestamptz default null
)
returns table (
    rank bigint,
    user_id bigint,
    username text,
    total_score bigint,
    period_start timestamptz,
    period_end timestamptz
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_me lb_proxy.entry_row;
    v_window lb_proxy.entry_row[];
    v_above integer;
    v_values bigint[];
    v_ranks bigint[];
    v_state text;
    v_message text;
    v_detail text;
begin
    select e.* into v_me from lb_proxy.shard_entry(p_user_id, p_board, p_period, true, p_radius) as e;
    if v_me.value is null then
        return query select null::bigint, v_me.user_id, v_me.username, 0::bigint,
            nullif(v_me.period_key, '-infinity'), nullif(v_me.period_end, 'infinity');
        return;
    end if;
    with near as (
        select * from lb_proxy.shard_around(
            p_board, v_me.period_key, v_me.value, v_me.tie_at, v_me.user_id, p_radius
        )
    ),

    above as (
        select a.user_id, a.username, a.value, a.tie_at from near as a where a.side = -1
        order by a.value, a.tie_at desc, a.user_id desc limit p_radius
    ),

    below as (
        select b.user_id, b.username, b.value, b.tie_at from near as b where b.side = 1
        order by b.value desc, b.tie_at, b.user_id limit p_radius
    )

    select
        array_agg(row(w.user_id, w.username, w.value, w.tie_at, null, null, null)::lb_proxy.entry_row
            order by w.value desc, w.tie_at, w.user_id),
        (select count(*) from above)
    into v_window, v_above
    from (
        select * from above
        union all
        select v_me.user_id, v_me.username, v_me.value, v_me.tie_at
        union all
        select * from below
    ) as w;

    -- earliest: the player's own rank, the others by position; shared: each value's rank
    if v_me.tie_break = 'earliest' then
        v_values := array[v_me.value];
        select array_agg(1 + c.total) into v_ranks
        from (
            select sum(c.before) as total
            from lb_proxy.shard_count_before(
                p_board, v_me.period_key, v_values, array[v_me.tie_at], array[v_me.user_id]
            ) as c
        ) as c;
    else
        select array_agg(distinct w.value) into v_values from unnest(v_window) as w;
        select array_agg(1 + c.total order by c.ord) into v_ranks
        from (
            select c.ord, sum(c.before) as total
            from lb_proxy.shard_count_before(
                p_board, v_me.period_key, v_values,
                array_fill('-infinity'::timestamptz, array[cardinality(v_values)]),
                array_fill(0::bigint, array[cardinality(v_values)])
            ) as c
            group by c.ord
        ) as c;
    end if;

    return query
    select
        case
            when v_me.tie_break = 'earliest' then v_ranks[1] + w.n - v_above - 1
            else v_ranks[array_position(v_values, w.value)]
        end,
        w.user_id, w.username, w.value,
        nullif(v_me.period_key, '-infinity'), nullif(v_me.period_end, 'infinity')
    from unnest(v_window) with ordinality as w (user_id, username, value, tie_at, tb, pk, pe, n)
    order by w.n;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.shard_around, lb.players_around from public;
grant execute on function lb_proxy.shard_around, lb.players_around to lb_web;
