-- shard 0's players only, as submit_shard0.sql
\set k random(0, :per_shard - 1)
\set uid 1 + :shards * :k
select * from lb.player_rank(:uid);
