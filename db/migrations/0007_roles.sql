-- Purpose: least-privilege roles. lb_owner owns the schema and everything in it; clients get
-- only EXECUTE on the functions their job needs (granted in each db/functions file), never a
-- table privilege. The roles are NOLOGIN groups: deployments grant them to login roles
-- (`leaderboard create-login`). Migrations after this one start with `set local role lb_owner;`
-- (a test checks that lb_owner owns every object in lb).

do $$
declare
    v_role text;
begin
    foreach v_role in array array['lb_owner', 'lb_game_server', 'lb_web', 'lb_bridge'] loop
        if not exists (select from pg_roles where rolname = v_role) then
            execute format('create role %I nologin', v_role);
        end if;
    end loop;
end;
$$;

-- the migrating role creates the functions as lb_owner (leaderboard migrate sets the role)
grant lb_owner to current_user;

-- Timeouts per job. A setting on a group does not reach members that log in as themselves,
-- so `leaderboard create-login` copies these onto each login role it creates.
alter role lb_game_server set statement_timeout = '5s';
alter role lb_game_server set lock_timeout = '2s';
alter role lb_web set statement_timeout = '30s';
alter role lb_web set lock_timeout = '5s';
alter role lb_bridge set statement_timeout = '60s';
alter role lb_bridge set lock_timeout = '2s';
alter role lb_owner set lock_timeout = '10s';

alter schema lb owner to lb_owner;
revoke all on schema lb from public;
grant usage on schema lb to lb_game_server, lb_web, lb_bridge;

do $$
declare
    v_object record;
begin
    for v_object in
        select c.oid::regclass as name, c.relkind
        from pg_class as c
        where c.relnamespace = 'lb'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
    loop
        execute format('alter table %s owner to lb_owner', v_object.name);
        execute format('revoke all on table %s from public', v_object.name);
    end loop;
    for v_object in
        select p.oid::regprocedure as name
        from pg_proc as p
        where p.pronamespace = 'lb'::regnamespace
    loop
        execute format('alter function %s owner to lb_owner', v_object.name);
        execute format('revoke all on function %s from public', v_object.name);
    end loop;
end;
$$;

-- functions lb_owner creates from now on are not executable by PUBLIC by default
alter default privileges for role lb_owner revoke execute on functions from public;

-- lb.schema_migrations() (owned by lb_owner) reports yoyo's bookkeeping
grant usage on schema lb_migrations to lb_owner;
grant select on lb_migrations._yoyo_migration to lb_owner;
