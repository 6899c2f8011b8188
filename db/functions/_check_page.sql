-- The page arguments of lb.top_players (and of lb._shard_page, which stands in for it on a
-- shard): the same errors wherever a page is asked for.
create or replace function lb._check_page(p_limit integer, p_offset integer)
returns void
language plpgsql
immutable
as $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    if p_offset is null or p_offset < 0 then
        perform lb._invalid_argument('p_offset', 'must be a non-negative integer', p_offset::text);
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._check_page from public, lb_game_server, lb_web, lb_bridge;
