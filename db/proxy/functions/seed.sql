-- lb.seed on every shard with one random seed (a fresh one when none is given), so together
-- they seed exactly player_1 .. player_<p_users> and p_sessions sessions, each on the shard
-- that owns it (lb._seed_shard_rows); the counts are summed. A shard that already has
-- players refuses: seed an empty deployment (lb.clear_all first).
create or replace function lb_proxy.seed(p_users integer, p_sessions integer, p_random_seed double precision)
returns table (users_created bigint, sessions_created bigint, players_ranked bigint)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.seed;
$$;

create or replace function lb.seed(
    p_users integer,
    p_sessions integer,
    p_random_seed double precision default null
)
returns table (users_created bigint, sessions_created bigint, players_ranked bigint)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query
    select sum(s.users_created)::bigint, sum(s.sessions_created)::bigint, sum(s.players_ranked)::bigint
    from lb_proxy.seed(p_users, p_sessions, coalesce(p_random_seed, random() * 2 - 1)) as s;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.seed, lb.seed from public;
grant execute on function lb_proxy.seed, lb.seed to lb_web;
