-- The time a write is stamped with: the transaction's start, as now(). Tests move it with the
-- setting lb.test_now (for example `set lb.test_now = '2026-03-29 00:59:59+00'`), which only a
-- superuser session may use: any role can set a custom setting, so for everyone else it is
-- an error, and a game server can never backdate a session.
create or replace function lb._now()
returns timestamptz
language plpgsql
stable
as $$
declare
    v_test_now text := current_setting('lb.test_now', true);
begin
    if v_test_now is null or v_test_now = '' then
        return now();
    end if;
    if not coalesce((select r.rolsuper from pg_roles as r where r.rolname = session_user), false) then
        raise exception using
            errcode = 'insufficient_privilege',
            message = 'lb.test_now is set, but only a superuser session may move the clock',
            hint = 'reset lb.test_now; it exists for tests';
    end if;
    return v_test_now::timestamptz;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._now from public, lb_game_server, lb_web, lb_bridge;
