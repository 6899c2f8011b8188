-- Purpose: the proxy of a sharded deployment reaches the shards as a login of its own group,
-- lb_proxy, and only that group may call the shard helpers (lb._shard_page and the others):
-- they answer whole boards with tie times and exist for the proxy's merges, not for game
-- servers, which could call them even on a single node (issue 27). lb_proxy may call what
-- the proxy forwards (it is in lb_game_server and lb_web); who may call what is decided on
-- the proxy, by the caller's own grants there.
do $$
begin
    if not exists (select from pg_roles where rolname = 'lb_proxy') then
        create role lb_proxy nologin;
    end if;
    grant lb_game_server to lb_proxy;
    grant lb_web to lb_proxy;
end;
$$;

alter role lb_proxy set statement_timeout = '30s';
alter role lb_proxy set lock_timeout = '5s';
