-- A server key's name: what lb.server_keys' check allows, refused here with a named argument.
create or replace function lb._check_key_name(p_key_name text)
returns void
language plpgsql
immutable
as $$
begin
    if p_key_name is null or p_key_name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' then
        perform lb._invalid_argument(
            'p_key_name',
            'must be 1 to 63 of a-z, 0-9, _, . and -, starting with a letter or digit',
            p_key_name
        );
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._check_key_name from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
