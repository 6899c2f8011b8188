-- Revoke a server key: from this commit on its secrets (and a rotation's previous one) are
-- refused. Revoking a revoked key changes nothing and answers when it was revoked. The key
-- stays listed, and the sessions it wrote keep its name.
create or replace function lb.revoke_key(p_key_name text, p_actor text default null)
returns table (key_name text, revoked_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_key lb.server_keys%rowtype;
begin
    perform lb._check_key_name(p_key_name);
    select k.* into v_key from lb.server_keys as k where k.name = p_key_name for update;
    if not found then
        perform lb._key_not_found(p_key_name);
    end if;
    if v_key.revoked_at is null then
        update lb.server_keys as k
        set revoked_at = clock_timestamp(), previous_hash = null, previous_until = null
        where k.name = p_key_name
        returning k.revoked_at into v_key.revoked_at;
        perform lb._audit(
            v_actor, 'key_revoked', 'key:' || p_key_name, null,
            jsonb_build_object('after', jsonb_build_object('revoked_at', v_key.revoked_at))
        );
    end if;
    return query select p_key_name, v_key.revoked_at;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.revoke_key from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
grant execute on function lb.revoke_key to lb_moderator;
