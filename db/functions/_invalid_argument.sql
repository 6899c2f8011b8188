-- Raise the documented bad-argument error (SQLSTATE 22023) naming the argument and its rule.
-- COLUMN carries the argument name so callers can map it to their own field names.
create or replace function lb._invalid_argument(p_argument text, p_rule text, p_got text)
returns void
language plpgsql
immutable
as $$
begin
    raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s %s (got %s)', p_argument, p_rule, coalesce(quote_literal(p_got), 'null')),
        column = p_argument;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._invalid_argument from public, lb_game_server, lb_web, lb_bridge;
