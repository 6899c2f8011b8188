-- lb.top_players over every shard: each returns its first p_offset + p_limit entries (after a
-- header row naming the period it resolved), and the global page is the merge. Every entry
-- better than one on the page is on its own shard's list too, so ranks computed over the
-- merged lists are exact: shared ties rank 1 + the entries with a higher value, earliest ties
-- by position. Shards resolve the current period on their own clocks; if they disagree (a
-- period rolling over on one shard's clock and not yet on another's) the page is read again
-- at the older one: every shard still has it, and the lagging shards may still be adding
-- to it.
create or replace function lb_proxy.shard_page(
    p_limit integer, p_offset integer, p_board text, p_period timestamptz
)
returns setof lb_proxy.entry_row
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb._shard_page;
$$;

create or replace function lb.top_players(
    p_limit integer default 10,
    p_offset integer default 0,
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
declare
    v_rows lb_proxy.entry_row[];
    v_head lb_proxy.entry_row;
    v_state text;
    v_message text;
    v_detail text;
begin
    select array_agg(s) into v_rows from lb_proxy.shard_page(p_limit, p_offset, p_board, p_period) as s;
    select h.* into v_head from unnest(v_rows) as h where h.user_id is null order by h.period_key limit 1;
    if exists (select from unnest(v_rows) as h where h.user_id is null and h.period_key <> v_head.period_key) then
        select array_agg(s) into v_rows
        from lb_proxy.shard_page(p_limit, p_offset, p_board, v_head.period_key) as s;
    end if;
    return query
    select m.rank, m.user_id, m.username, m.value, nullif(v_head.period_key, '-infinity'),
        nullif(v_head.period_end, 'infinity')
    from (
        select
            r.user_id,
            r.username,
            r.value,
            row_number() over (order by r.value desc, r.tie_at, r.user_id) as n,
            case
                when v_head.tie_break = 'earliest'
                    then row_number() over (order by r.value desc, r.tie_at, r.user_id)
                else rank() over (order by r.value desc)
            end as rank
        from unnest(v_rows) as r
        where r.user_id is not null
    ) as m
    where m.n > p_offset and m.n <= p_offset::bigint + p_limit
    order by m.n;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.shard_page, lb.top_players from public;
grant execute on function lb_proxy.shard_page, lb.top_players to lb_game_server, lb_web;
