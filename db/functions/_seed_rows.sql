-- Insert p_users new players and p_sessions sessions among them, then their values on every
-- enabled board (its readable periods) with histogram rows. Players' activity is skewed (a
-- few play a lot), scores are skewed low (cube of a uniform: median 125k, a long tail up to
-- 1M), modes are 40/30/20/10 percent classic/ranked/casual/tournament, and sessions spread
-- over the last 35 days, so weekly and daily boards have several periods filled.
create or replace function lb._seed_rows(p_users integer, p_sessions integer)
returns table (users_created bigint, sessions_created bigint, players_ranked bigint)
language plpgsql
as $$
#variable_conflict use_column
declare
    v_user_seq regclass := pg_get_serial_sequence('lb.users', 'id')::regclass;
    v_session_seq regclass := pg_get_serial_sequence('lb.game_sessions', 'id')::regclass;
    v_first_user bigint;
    v_first_session bigint;
    v_now timestamptz := now();
    v_step timestamptz := clock_timestamp();
    v_rows bigint;
    v_board lb.boards;
    v_current bigint;
    v_config lb.shard_config;
begin
    -- The tables are locked, so nobody else draws ids between nextval and setval.
    v_first_user := nextval(v_user_seq);
    v_first_session := nextval(v_session_seq);

    select c.* into v_config from lb.shard_config as c;
    if v_config.shards > 1 then
        if v_first_user <> v_config.shard + 1 then
            perform lb._invalid_argument(
                'p_users', 'can be seeded on a shard of several only while it has no players '
                || '(lb.clear_all first)', p_users::text
            );
        end if;
        select r.users_created, r.sessions_created into users_created, sessions_created
        from lb._seed_shard_rows(
            p_users, p_sessions, v_config, v_first_user, v_first_session, floor(random() * 1e9)::bigint
        ) as r;
        if users_created > 0 then
            perform setval(v_user_seq, v_first_user + v_config.shards * (users_created - 1));
        end if;
        if sessions_created > 0 then
            perform setval(v_session_seq, v_first_session + v_config.shards * (sessions_created - 1));
        end if;
        raise notice 'seed: % players and % sessions on shard % of % in % s', users_created,
            sessions_created, v_config.shard, v_config.shards,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();
    else
        insert into lb.users (id, username, join_date) overriding system value
        select g, 'player_' || g, v_now - interval '400 days' * (0.25 + 0.75 * random())
        from generate_series(v_first_user, v_first_user + p_users - 1) as g;
        get diagnostics users_created = row_count;
        if p_users > 0 then
            perform setval(v_user_seq, v_first_user + p_users - 1);
        end if;
        raise notice 'seed: % players in % s', users_created,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();

        -- k = floor(n * u^1.5) favours small k; multiplying by a prime above any int and reducing
        -- mod n is a bijection, so the busy players are scattered over the id range. u is drawn
        -- stratified (one uniform draw inside the g-th of p_sessions equal slices), which keeps
        -- its distribution but writes each player's sessions next to each other: aggregating
        -- them into board values then finds each player's group in cache (measured: the 5M-row
        -- aggregate of a board fill twice as fast as over sessions in random player order).
        insert into lb.game_sessions (id, user_id, score, game_mode, played_at) overriding system value
        select
            v_first_session + s.g - 1,
            v_first_user + (floor(p_users * s.r_player ^ 1.5)::bigint * 2654435761 + p_users / 3) % p_users,
            floor(1000000 * s.r_score ^ 3)::integer,
            case
                when s.r_mode < 0.4 then 'classic'
                when s.r_mode < 0.7 then 'ranked'
                when s.r_mode < 0.9 then 'casual'
                else 'tournament'
            end,
            v_now - interval '35 days' * s.r_time
        from (
            select
                g,
                (g - random()) / p_sessions as r_player,
                random() as r_score,
                random() as r_mode,
                random() as r_time
            from generate_series(1, p_sessions) as g
        ) as s;
        get diagnostics sessions_created = row_count;
        if p_sessions > 0 then
            perform setval(v_session_seq, v_first_session + p_sessions - 1);
        end if;
        raise notice 'seed: % sessions in % s', sessions_created,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();

        -- New sessions belong to new players only, so every value here is a new board entry.
    end if;

    players_ranked := 0;
    for v_board in select b.* from lb.boards as b where b.enabled order by b.board_no loop
        v_current := lb._period_number(v_board, lb._now());
        v_rows := lb._fill_board(v_board, v_first_session, v_current - v_board.retain_periods, v_current);
        if v_board.board_id = 'global' then
            players_ranked := v_rows;
        end if;
        raise notice 'seed: board % with % entries in % s', v_board.board_id, v_rows,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();
    end loop;
    return next;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._seed_rows from public, lb_game_server, lb_web, lb_bridge;
