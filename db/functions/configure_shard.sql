-- Admin: make this empty database shard p_shard of p_shards (0-based). From then on its
-- player and session ids are the numbers n with (n - 1) % p_shards = p_shard, and
-- lb.create_player takes only the usernames that hash to it: ids and names are unique across
-- the shards, and the proxy routes a call by either. Only an empty database can change its
-- place, since the ids it has given out already would then name another shard.
create or replace function lb.configure_shard(p_shard integer, p_shards integer)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_config lb.shard_config;
begin
    if p_shards is null or p_shards not between 1 and 1024 then
        perform lb._invalid_argument('p_shards', 'must be an integer from 1 to 1024', p_shards::text);
    end if;
    if p_shard is null or p_shard not between 0 and p_shards - 1 then
        perform lb._invalid_argument(
            'p_shard', format('must be an integer from 0 to %s', p_shards - 1), p_shard::text
        );
    end if;
    lock table lb.users, lb.game_sessions in exclusive mode;
    select c.* into v_config from lb.shard_config as c;
    if (v_config.shard, v_config.shards) = (p_shard, p_shards) then
        return;
    end if;
    if exists (select from lb.users) or exists (select from lb.game_sessions) then
        perform lb._invalid_argument(
            'p_shard', format(
                'cannot change on a database that has players (it is shard %s of %s)',
                v_config.shard, v_config.shards
            ), p_shard::text
        );
    end if;
    update lb.shard_config set shard = p_shard, shards = p_shards;
    execute format(
        'alter table lb.users alter column id set increment by %s set start with %s restart',
        p_shards, p_shard + 1
    );
    execute format(
        'alter table lb.game_sessions alter column id set increment by %s set start with %s restart',
        p_shards, p_shard + 1
    );
    perform lb._interleave_audit_ids(p_shard, p_shards);
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.configure_shard from public, lb_game_server, lb_web, lb_bridge;
