-- Bridge: hold client logins to their groups' time limits, which a session can lift for
-- itself with SET: cancel a statement that has run past the login's statement_timeout, end
-- the session if it is still running at twice that (a statement that catches its cancel,
-- a DO block looping on pg_sleep, survives one), and end a session idle in a transaction
-- past its idle_in_transaction_session_timeout. The limits are the settings of the groups a
-- login is in (lb_game_server, lb_web, lb_proxy, lb_moderator; the most lenient where it is
-- in several), with a second of grace; bridges themselves, whose rebuilds hold long
-- transactions, and the owner are not held. Every database of the cluster: a login may connect to others (the
-- `postgres` database) and wait there. Returns what it did.
create or replace function lb.enforce_limits()
returns table (pid integer, login text, action text, seconds double precision)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_session record;
begin
    for v_session in
        select
            a.pid,
            a.usename::text as login,
            a.state,
            extract(epoch from clock_timestamp() - a.query_start) as running,
            extract(epoch from clock_timestamp() - a.state_change) as idle,
            l.statement_limit,
            l.idle_limit
        from pg_stat_activity as a
        cross join lateral (
            select
                max(lb._setting_seconds(substring(c.setting from '^statement_timeout=(.*)$'))) as statement_limit,
                max(lb._setting_seconds(
                    substring(c.setting from '^idle_in_transaction_session_timeout=(.*)$')
                )) as idle_limit
            from pg_roles as g
            inner join pg_db_role_setting as s on s.setrole = g.oid and s.setdatabase = 0
            cross join lateral unnest(s.setconfig) as c (setting)
            where
                g.rolname in ('lb_game_server', 'lb_web', 'lb_proxy', 'lb_moderator')
                and pg_has_role(a.usesysid, g.oid, 'member')
        ) as l
        where
            a.backend_type = 'client backend'
            and a.pid <> pg_backend_pid()
            and not pg_has_role(a.usesysid, 'lb_bridge', 'member')
            and not pg_has_role(a.usesysid, 'lb_owner', 'member')
    loop
        if v_session.state = 'active' and v_session.running > 2 * v_session.statement_limit + 1 then
            perform pg_terminate_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'terminated';
            seconds := v_session.running;
            return next;
        elsif v_session.state = 'active' and v_session.running > v_session.statement_limit + 1 then
            perform pg_cancel_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'cancelled';
            seconds := v_session.running;
            return next;
        elsif v_session.state in ('idle in transaction', 'idle in transaction (aborted)')
            and v_session.idle > v_session.idle_limit + 1 then
            perform pg_terminate_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'terminated';
            seconds := v_session.idle;
            return next;
        end if;
    end loop;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.enforce_limits from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.enforce_limits to lb_bridge;
