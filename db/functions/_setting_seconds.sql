-- A time setting as PostgreSQL reads one (statement_timeout = '5s', '1500ms', '2min', or a
-- bare number of milliseconds), in seconds; null for 0 (no limit) or no setting.
create or replace function lb._setting_seconds(p_value text)
returns double precision
language sql
immutable
return case
    when p_value is null or p_value ~ '^\s*0+\s*$' then null
    when p_value ~ '^\s*[0-9]+\s*$' then p_value::double precision / 1000
    else nullif(extract(epoch from p_value::interval)::double precision, 0)
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._setting_seconds from public, lb_game_server, lb_web, lb_bridge;
