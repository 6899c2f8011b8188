\set uid random(1, :players)
\set score random(0, 1000000)
select * from lb_bench.submit_notify_always(:uid, :score, 'classic');
