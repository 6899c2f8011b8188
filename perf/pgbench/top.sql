select * from lb.top_players(10, 0);
