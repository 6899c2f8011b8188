-- Usernames for a set of player ids (unknown ids are left out); lets the Redis-backed reads
-- label ranks without reading tables.
create or replace function lb.player_names(p_user_ids bigint[])
returns table (user_id bigint, username text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select u.id, u.username
    from lb.users as u
    where u.id = any(p_user_ids)
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.player_names from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.player_names to lb_web;
