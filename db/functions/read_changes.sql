-- Players whose total changed since a snapshot, with their absolute totals; null means all.
-- The username comes only for players created since the snapshot (and for everyone when
-- p_since is null): names never change, so a reader already has the others.
-- A row is new to the caller iff its stamp was not visible in p_since: stamped at or after
-- p_since's xmax, or by a transaction in progress then (its xip). Unlike "id > last_seen"
-- this cannot skip a transaction that took its id early and committed late.
-- Custom plans on constants: a generic plan would estimate "changed_xid >= $1" at a third of
-- the table and scan all of it on every poll.
create or replace function lb.read_changes(p_since pg_snapshot)
returns table (user_id bigint, total_score bigint, updated_at timestamptz, username text)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
    v_xmax xid8 := pg_snapshot_xmax(p_since);
    v_xip xid8[] := array(select pg_snapshot_xip(p_since));
begin
    if p_since is null then
        return query
        select l.user_id, l.total_score, l.updated_at, u.username
        from lb.leaderboard as l
        inner join lb.users as u on l.user_id = u.id;
        return;
    end if;
    -- CASE evaluates the name lookup only for rows created since the snapshot
    return query
    select
        l.user_id,
        l.total_score,
        l.updated_at,
        case when l.created_xid >= v_xmax or l.created_xid = any(v_xip) then
            (select u.username from lb.users as u where u.id = l.user_id)
        end
    from lb.leaderboard as l
    where l.changed_xid >= v_xmax;
    -- every xip entry is below xmax, so no row comes back twice
    if cardinality(v_xip) > 0 then
        return query
        select
            l.user_id,
            l.total_score,
            l.updated_at,
            case when l.created_xid >= v_xmax or l.created_xid = any(v_xip) then
                (select u.username from lb.users as u where u.id = l.user_id)
            end
        from lb.leaderboard as l
        where l.changed_xid = any(v_xip);
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.read_changes from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.read_changes to lb_bridge;
