-- The proxy database of a sharded deployment: the same lb.* functions as one node, with the
-- same signatures, run by PL/Proxy on the shard that owns a player or on every shard and
-- merged (README "Sharding", docs/ARCHITECTURE.md). It holds no data. `leaderboard shards
-- setup` applies this file, then every file in db/proxy/functions, then points the foreign
-- server lb_shards at the shards; every statement here may run again.
create extension if not exists plproxy;

do $$
declare
    v_role text;
begin
    foreach v_role in array array['lb_owner', 'lb_game_server', 'lb_web', 'lb_bridge', 'lb_moderator'] loop
        if not exists (select from pg_roles where rolname = v_role) then
            execute format('create role %I nologin', v_role);
        end if;
    end loop;
end;
$$;

create schema if not exists lb;
create schema if not exists lb_proxy;
revoke all on schema lb, lb_proxy from public;
grant usage on schema lb, lb_proxy to lb_game_server, lb_web, lb_moderator;

do $$
begin
    if not exists (select from pg_type where typname = 'board_info' and typnamespace = 'lb'::regnamespace) then
        -- as in db/migrations/0012_boards.sql
        create type lb.board_info as (
            board_id text,
            game_mode text,
            aggregate text,
            reset text,
            reset_every interval,
            reset_anchor timestamp,
            time_zone text,
            tie_break text,
            retain_periods integer,
            starts_at timestamptz,
            ends_at timestamptz,
            enabled boolean,
            period_start timestamptz,
            period_end timestamptz,
            next_reset_at timestamptz,
            players bigint,
            created_at timestamptz
        );
    end if;
end;
$$;

do $$
begin
    if not exists (
        select from pg_type where typname = 'entry_row' and typnamespace = 'lb_proxy'::regnamespace
    ) then
        -- a row of lb._shard_page and lb._shard_entry on the shards
        create type lb_proxy.entry_row as (
            user_id bigint,
            username text,
            value bigint,
            tie_at timestamptz,
            tie_break text,
            period_key timestamptz,
            period_end timestamptz
        );
    end if;
end;
$$;

-- how many shards lb_shards has; lb_proxy.player_hash routes by it
create table if not exists lb_proxy.config (
    singleton boolean primary key default true check (singleton),
    shards integer not null check (shards between 1 and 1024)
);
grant select on lb_proxy.config to lb_game_server, lb_web;

-- signatures that changed (a function of the old one would stand beside the new and make
-- calls ambiguous): lb.submit_score gained p_actor (issue 24)
drop function if exists lb.submit_score(bigint, integer, text, text);
drop function if exists lb_proxy.submit_score(bigint, integer, text, text);
-- ... and its result gained held_by (issue 24): the version without it goes
do $$
begin
    if exists (
        select from pg_proc as p
        where
            p.oid = any(array(
                select f.oid from pg_proc as f
                where f.proname = 'submit_score' and f.pronamespace in ('lb'::regnamespace, 'lb_proxy'::regnamespace)
            ))
            and not 'held_by' = any(p.proargnames)
    ) then
        drop function if exists lb.submit_score(bigint, integer, text, text, text);
        drop function if exists lb_proxy.submit_score(bigint, integer, text, text, text);
    end if;
end;
$$;
