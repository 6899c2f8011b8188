-- Purpose: the time a client login may hold a connection busy is a limit it cannot lift
-- (issue 27: a game-server login ran `set statement_timeout = 0; select pg_sleep(7)`, and
-- idle_in_transaction_session_timeout was 0). The groups' settings stay the defaults each
-- session starts with; lb.enforce_limits(), which every bridge runs every few seconds,
-- cancels a statement that runs past its login's statement_timeout and ends a session idle
-- in a transaction past its idle_in_transaction_session_timeout, whatever the session set.
-- To signal other logins' backends lb_owner needs pg_signal_backend, and to see their state
-- pg_read_all_stats; a migration that cannot grant them (not run by a superuser) says so,
-- and the limits are then only the defaults (README "Deploying").
alter role lb_game_server set idle_in_transaction_session_timeout = '10s';
alter role lb_web set idle_in_transaction_session_timeout = '60s';
alter role lb_proxy set idle_in_transaction_session_timeout = '60s';

do $$
begin
    grant pg_signal_backend, pg_read_all_stats to lb_owner;
exception when insufficient_privilege then
    raise warning 'lb_owner was not granted pg_signal_backend and pg_read_all_stats: '
        'lb.enforce_limits() cannot end sessions of other logins until a superuser runs '
        '"grant pg_signal_backend, pg_read_all_stats to lb_owner"';
end;
$$;
