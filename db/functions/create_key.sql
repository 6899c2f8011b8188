-- A new server key: game servers send its secret over HTTP (`Authorization: Bearer`), and
-- the sessions they write record the key's name. The secret is returned here, once; only
-- its SHA-256 is kept. p_game_modes limits the key to those modes (null: every mode).
create or replace function lb.create_key(
    p_key_name text,
    p_game_modes text[] default null,
    p_actor text default null
)
returns table (key_name text, secret text, game_modes text[], created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_secret text := lb._new_key_secret();
    v_modes text[];
    v_created timestamptz;
begin
    perform lb._check_key_name(p_key_name);
    if p_game_modes is not null then
        if cardinality(p_game_modes) = 0 then
            perform lb._invalid_argument(
                'p_game_modes', 'must name at least one game mode, or be null for every mode', '{}'
            );
        end if;
        for i in 1 .. cardinality(p_game_modes) loop
            if not exists (select from lb.game_modes as m where m.game_mode = p_game_modes[i]) then
                perform lb._invalid_game_mode(p_game_modes[i]);
            end if;
        end loop;
        select array_agg(distinct m order by m) into v_modes from unnest(p_game_modes) as m;
    end if;
    begin
        insert into lb.server_keys (name, key_hash, game_modes, created_by)
        values (p_key_name, sha256(convert_to(v_secret, 'UTF8')), v_modes, v_actor)
        returning created_at into v_created;
    exception when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('key %L already exists', p_key_name),
            hint = 'rotate it for a new secret, or choose another name',
            column = 'p_key_name';
    end;
    perform lb._audit(
        v_actor, 'key_created', 'key:' || p_key_name, null,
        jsonb_build_object('after', jsonb_build_object('game_modes', v_modes))
    );
    return query select p_key_name, v_secret, v_modes, v_created;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.create_key from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
grant execute on function lb.create_key to lb_moderator;
