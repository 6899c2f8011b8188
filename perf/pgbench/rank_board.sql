\set uid random(1, :players)
select * from lb.player_rank(:uid, :board);
