\set uid random(1, :players)
\set score random(0, 1000000)
select * from lb.submit_score(:uid, :score, 'ranked');
