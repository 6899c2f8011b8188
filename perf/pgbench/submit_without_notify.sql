\set uid random(1, :players)
\set score random(0, 1000000)
select * from lb_bench.submit_without_notify(:uid, :score, 'classic');
