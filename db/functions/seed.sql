-- Admin: add p_users players and p_sessions sessions among them, generated inside PostgreSQL
-- with generate_series, and their values on every enabled board. Into empty tables it loads
-- bare tables and builds keys and indexes once at the end; otherwise it appends with every
-- index in place. Submits wait while it runs.
-- p_random_seed (-1..1) makes the data reproducible.
create or replace function lb.seed(
    p_users integer,
    p_sessions integer,
    p_random_seed double precision default null
)
returns table (users_created bigint, sessions_created bigint, players_ranked bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_restore text[];
    v_statement text;
    v_step timestamptz;
begin
    if p_users is null or p_users < 0 then
        perform lb._invalid_argument('p_users', 'must be a non-negative integer', p_users::text);
    end if;
    if p_sessions is null or p_sessions < 0 then
        perform lb._invalid_argument('p_sessions', 'must be a non-negative integer', p_sessions::text);
    end if;
    if p_sessions > 0 and p_users = 0 then
        perform lb._invalid_argument('p_sessions', 'needs p_users > 0 to play them', p_sessions::text);
    end if;
    if p_random_seed not between -1 and 1 then
        perform lb._invalid_argument('p_random_seed', 'must be between -1 and 1', p_random_seed::text);
    end if;
    if p_random_seed is not null then
        perform setseed(p_random_seed);
    end if;

    -- EXCLUSIVE still lets readers in; it keeps writers out so ids and totals stay consistent.
    lock table lb.users, lb.game_sessions, lb.board_entries, lb.board_buckets, lb.idempotency_keys
    in exclusive mode;

    if exists (select from lb.users) or exists (select from lb.board_entries) then
        return query select * from lb._seed_rows(p_users, p_sessions);
    else
        v_restore := lb._seed_drop_keys();
        return query select * from lb._seed_rows(p_users, p_sessions);
        v_step := clock_timestamp();
        foreach v_statement in array v_restore loop
            execute v_statement;
        end loop;
        raise notice 'seed: keys, indexes and foreign keys in % s',
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
    end if;

    v_step := clock_timestamp();
    analyze lb.users, lb.game_sessions, lb.board_entries, lb.board_buckets;
    raise notice 'seed: analyze in % s', round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
    perform lb._bump_epoch();
    perform lb._wake_bridge();
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.seed from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.seed to lb_web;
