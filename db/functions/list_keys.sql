-- Every server key, revoked ones last, without their secrets (which are not kept).
create or replace function lb.list_keys()
returns table (
    key_name text,
    game_modes text[],
    created_at timestamptz,
    created_by text,
    rotated_at timestamptz,
    previous_valid_until timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        k.name, k.game_modes, k.created_at, k.created_by, k.rotated_at,
        case when k.previous_until > clock_timestamp() then k.previous_until end,
        k.revoked_at, k.last_used_at
    from lb.server_keys as k
    order by k.revoked_at is not null, k.name;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.list_keys from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
grant execute on function lb.list_keys to lb_moderator;
