-- shard 0's players only (ids 1 + shards * k), so the same calls run on shard 0 directly and
-- through the proxy (perf/sharding.py)
\set k random(0, :per_shard - 1)
\set uid 1 + :shards * :k
\set score random(0, 1000000)
select * from lb.submit_score(:uid, :score, 'classic');
