-- Raise the documented not-found error (P0002) for a server key, revoked ones included
-- where the caller needs a live one.
create or replace function lb._key_not_found(p_key_name text)
returns void
language plpgsql
stable
as $$
begin
    raise exception using
        errcode = 'no_data_found',
        message = case
            when exists (select from lb.server_keys as k where k.name = p_key_name)
                then format('key %L is revoked', p_key_name)
            else format('key %L does not exist', p_key_name)
        end,
        column = 'p_key_name';
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._key_not_found from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
