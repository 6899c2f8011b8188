-- The writer a server key's secret stands for (`key:<name>`), if it may submit p_game_mode;
-- the web app calls it in the statement that submits, so a refused key writes nothing. It
-- takes the secret's SHA-256, not the secret: the secret never reaches the database or its
-- logs. last_used_at moves at most once a minute, so a busy key's submits do not queue on
-- its row. A revocation or rotation applies to the statements that start after it commits
-- (one in flight, that read the key before, may still commit).
create or replace function lb.authenticate_key(p_key_hash bytea, p_game_mode text)
returns table (writer text)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_key lb.server_keys%rowtype;
begin
    select k.* into v_key
    from lb.server_keys as k
    where
        k.revoked_at is null
        and (k.key_hash = p_key_hash or (k.previous_hash = p_key_hash and k.previous_until > clock_timestamp()));
    if not found then
        raise exception using
            errcode = 'LB010',
            message = 'the server key is not valid: unknown, revoked, or replaced by a rotation';
    end if;
    if v_key.game_modes is not null and not coalesce(p_game_mode = any(v_key.game_modes), false) then
        raise exception using
            errcode = 'LB011',
            message = format(
                'key %L may submit only game modes %s, not %L',
                v_key.name, array_to_string(v_key.game_modes, ', '), p_game_mode
            ),
            column = 'p_game_mode';
    end if;
    if v_key.last_used_at is null or v_key.last_used_at < clock_timestamp() - interval '1 minute' then
        update lb.server_keys as k
        set last_used_at = clock_timestamp()
        where k.name = v_key.name and (k.last_used_at is null or k.last_used_at < clock_timestamp() - interval '1 minute');
    end if;
    return query select 'key:' || v_key.name;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.authenticate_key from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
grant execute on function lb.authenticate_key to lb_web;
