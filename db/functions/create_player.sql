-- Register a player and return its id. Usernames are 1-50 characters from [A-Za-z0-9_.-],
-- unique regardless of case.
create or replace function lb.create_player(p_username text)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_id bigint;
    v_config lb.shard_config;
begin
    if p_username is null or length(p_username) not between 1 and lb._max_username_length() then
        perform lb._invalid_argument(
            'p_username', format('must be 1 to %s characters', lb._max_username_length()), p_username
        );
    end if;
    if p_username !~ '^[A-Za-z0-9_.-]+$' then
        perform lb._invalid_argument(
            'p_username', 'may contain only letters A-Z a-z, digits, "_", "." and "-"', p_username
        );
    end if;
    -- a shard takes only its own names: the same name on two shards would be two players
    select c.* into v_config from lb.shard_config as c;
    if v_config.shards > 1 and lb._shard_of_name(p_username, v_config.shards) <> v_config.shard then
        raise exception using
            errcode = 'LB002',
            message = format(
                'p_username %L belongs to shard %s, not to this shard %s of %s: create players '
                'through the proxy database', p_username,
                lb._shard_of_name(p_username, v_config.shards), v_config.shard, v_config.shards
            ),
            column = 'p_username';
    end if;
    insert into lb.users (username) values (p_username) returning id into v_id;
    return v_id;
exception
    when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('p_username %L is already taken', p_username),
            column = 'p_username';
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.create_player from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.create_player to lb_game_server;
