-- A new secret for a server key, returned once. The previous secret keeps working for
-- p_grace (0 to 7 days; none by default), so game servers can be given the new one without a
-- moment where neither works; a second rotation ends the first one's grace.
create or replace function lb.rotate_key(
    p_key_name text,
    p_grace interval default '0',
    p_actor text default null
)
returns table (key_name text, secret text, previous_valid_until timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_secret text := lb._new_key_secret();
    v_now timestamptz := clock_timestamp();
    v_until timestamptz;
begin
    perform lb._check_key_name(p_key_name);
    if p_grace is null or p_grace < '0' or p_grace > '7 days' then
        perform lb._invalid_argument('p_grace', 'must be from 0 to 7 days', p_grace::text);
    end if;
    v_until := case when p_grace > '0' then v_now + p_grace end;
    update lb.server_keys as k
    set
        previous_hash = case when v_until is not null then k.key_hash end,
        previous_until = v_until,
        key_hash = sha256(convert_to(v_secret, 'UTF8')),
        rotated_at = v_now
    where k.name = p_key_name and k.revoked_at is null;
    if not found then
        perform lb._key_not_found(p_key_name);
    end if;
    perform lb._audit(
        v_actor, 'key_rotated', 'key:' || p_key_name, null,
        jsonb_build_object('after', jsonb_build_object('previous_valid_until', v_until))
    );
    return query select p_key_name, v_secret, v_until;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.rotate_key from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
grant execute on function lb.rotate_key to lb_moderator;
