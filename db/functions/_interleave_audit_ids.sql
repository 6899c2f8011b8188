-- Audit ids on shard k of n are the numbers i with (i - 1) % n = k, as player and session ids
-- are: unique across shards, so the proxy pages the merged log by id. The next one is above
-- every id the log holds already (keys may be created before a shard is configured).
create or replace function lb._interleave_audit_ids(p_shard integer, p_shards integer)
returns void
language plpgsql
volatile
as $$
declare
    v_max bigint := coalesce((select max(a.audit_id) from lb.audit_log as a), 0);
    v_next bigint := v_max + 1 + ((p_shard - v_max) % p_shards + p_shards) % p_shards;
begin
    execute format(
        'alter table lb.audit_log alter column audit_id set increment by %s set start with %s restart with %s',
        p_shards, p_shard + 1, v_next
    );
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._interleave_audit_ids from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
