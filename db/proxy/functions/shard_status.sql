-- lb.shard_status on the proxy: whether each shard answers, for /health and /metrics. Each
-- shard is asked on its own (lb_proxy.shard_ping runs on that shard alone), so one shard
-- down is reported as that shard, and the others as up; a shard that cannot be reached
-- costs at most its connect_timeout.
create or replace function lb_proxy.shard_ping(p_shard integer)
returns integer
language plproxy
as $$
    cluster 'lb_shards';
    run on p_shard;
    select shard from lb.shard_info();
$$;

create or replace function lb.shard_status()
returns table (shard integer, up boolean, problem text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_shards integer := (select c.shards from lb_proxy.config as c);
begin
    for n in 0 .. coalesce(v_shards, 0) - 1 loop
        shard := n;
        begin
            up := lb_proxy.shard_ping(n) = n;
            problem := case when up then null else 'the shard answers as another shard' end;
        exception when others then
            up := false;
            -- PL/Proxy's words: which connection failed, and the server's answer
            problem := 'unavailable: ' || split_part(sqlerrm, E'\n', 1);
        end;
        return next;
    end loop;
end;
$$;

revoke all on function lb_proxy.shard_ping, lb.shard_status from public;
grant execute on function lb_proxy.shard_ping, lb.shard_status to lb_web;
