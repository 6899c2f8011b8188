-- the original load test's mix: 60% submit, 25% top, 15% rank
\set r random(1, 100)
\set uid random(1, :players)
\set score random(0, 1000000)
\if :r <= 60
select * from lb.submit_score(:uid, :score, 'classic');
\elif :r <= 85
select * from lb.top_players(10, 0);
\else
select * from lb.player_rank(:uid);
\endif
