-- lb._seed_rows on one shard of several (every shard runs it with the same arguments and
-- random seed, through the proxy's lb.seed): players player_1 .. player_<p_users> across the
-- shards, each on the shard its name hashes to, with this shard's ids; sessions 1 ..
-- p_sessions drawn the same way on every shard from hashes of their number (random() would
-- differ between shards), each kept by the shard that owns its player, so the shards
-- together hold exactly p_sessions. Distributions as lb._seed_rows's. Returns the counts.
create or replace function lb._seed_shard_rows(
    p_users integer,
    p_sessions integer,
    p_config lb.shard_config,
    p_first_user bigint,
    p_first_session bigint,
    p_salt bigint
)
returns table (users_created bigint, sessions_created bigint)
language plpgsql
as $$
#variable_conflict use_column
declare
    v_now timestamptz := now();
begin
    insert into lb.users (id, username, join_date) overriding system value
    select
        p_first_user + p_config.shards * (row_number() over (order by n.n) - 1),
        'player_' || n.n,
        v_now - interval '400 days' * (0.25 + 0.75 * random())
    from generate_series(1, p_users) as n (n)
    where lb._shard_of_name('player_' || n.n, p_config.shards) = p_config.shard;
    get diagnostics users_created = row_count;

    insert into lb.game_sessions (id, user_id, score, game_mode, played_at) overriding system value
    select
        p_first_session + p_config.shards * (row_number() over (order by s.g) - 1),
        u.id,
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
            h.g,
            1 + (floor(p_users * ((h.g - h.r_player) / p_sessions) ^ 1.5)::bigint * 2654435761
                + p_users / 3) % p_users as n,
            h.r_score,
            h.r_mode,
            h.r_time
        from (
            -- uniform in [0, 1) from 52 bits of a hash of (session number, salt + dimension)
            select
                g,
                ((hashint8extended(g, p_salt) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_player,
                ((hashint8extended(g, p_salt + 1) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_score,
                ((hashint8extended(g, p_salt + 2) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_mode,
                ((hashint8extended(g, p_salt + 3) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_time
            from generate_series(1, p_sessions) as g
        ) as h
    ) as s
    inner join lb.users as u on u.username = 'player_' || s.n;
    get diagnostics sessions_created = row_count;
    return next;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._seed_shard_rows from public, lb_game_server, lb_web, lb_bridge;
