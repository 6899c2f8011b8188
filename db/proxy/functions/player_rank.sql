-- lb.player_rank: the player's entry from the shard that owns them, then 1 + the entries
-- before it counted on every shard, in the period the owner resolved: two round trips.
create or replace function lb_proxy.shard_entry(
    p_user_id bigint, p_board text, p_period timestamptz, p_around boolean, p_radius integer
)
returns setof lb_proxy.entry_row
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_user_id);
    target lb._shard_entry;
$$;

create or replace function lb_proxy.shard_count_before(
    p_board text, p_period_key timestamptz, p_values bigint[], p_tie_ats timestamptz[], p_user_ids bigint[]
)
returns table (ord integer, before bigint)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb._shard_count_before;
$$;

create or replace function lb.player_rank(
    p_user_id bigint,
    p_board text default 'global',
    p_period timestamptz default null
)
returns table (
    user_id bigint,
    username text,
    total_score bigint,
    rank bigint,
    period_start timestamptz,
    period_end timestamptz
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_me lb_proxy.entry_row;
    v_rank bigint;
    v_state text;
    v_message text;
    v_detail text;
begin
    select e.* into v_me from lb_proxy.shard_entry(p_user_id, p_board, p_period, false, null) as e;
    if v_me.value is not null then
        select 1 + sum(c.before) into v_rank
        from lb_proxy.shard_count_before(
            p_board, v_me.period_key, array[v_me.value], array[v_me.tie_at], array[v_me.user_id]
        ) as c;
    end if;
    return query select
        v_me.user_id, v_me.username, coalesce(v_me.value, 0), v_rank,
        nullif(v_me.period_key, '-infinity'), nullif(v_me.period_end, 'infinity');
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.shard_entry, lb_proxy.shard_count_before, lb.player_rank from public;
grant execute on function lb_proxy.shard_entry, lb_proxy.shard_count_before, lb.player_rank
to lb_game_server, lb_web;
