-- Purpose: what any login may do in this database is what the lb functions let it do. An
-- attacker's pass with a game-server login found PostgreSQL's own advisory locks, NOTIFY and
-- temporary tables open to PUBLIC: it held the bridge's feed lock (propagation went from
-- 15 ms to 700 ms), held an idempotency key's lock (every submit with that key failed for as
-- long as it liked), flooded the bridge with fake notifications, and filled the disk with a
-- temporary table. The lb functions, which run as lb_owner, keep them. Only a superuser may
-- revoke these (they are PostgreSQL's own); a migration run by anyone else warns and leaves
-- them open (README "Deploy").
do $$
declare
    v_function regprocedure;
begin
    for v_function in
        select p.oid::regprocedure
        from pg_proc as p
        where
            p.pronamespace = 'pg_catalog'::regnamespace
            and (p.proname ~ '^pg_(try_)?advisory_' or p.proname = 'pg_notify')
    loop
        execute format('grant execute on function %s to lb_owner', v_function);
        execute format('revoke execute on function %s from public', v_function);
    end loop;
    execute format('revoke temporary on database %I from public', current_database());
exception when insufficient_privilege then
    raise warning 'PUBLIC keeps advisory locks, pg_notify and temporary tables in this '
        'database: revoking them needs a superuser (run leaderboard migrate as one)';
end;
$$;
