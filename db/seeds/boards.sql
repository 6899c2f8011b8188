-- Example boards, so a new installation shows boards at once (`make run` and the psql
-- presets create them on an empty database): global is always there; a weekly board, a
-- ranked daily high score and a monthly tournament. Each is created only if missing, so the
-- script can run again; the check is a plpgsql branch rather than a WHERE clause, because a
-- function in FROM runs whatever the WHERE says.
--   psql "$DATABASE_URL" -f db/seeds/boards.sql
do $$
begin
    if not exists (select from lb.boards() as b where b.board_id = 'weekly') then
        perform lb.create_board('weekly', p_reset => 'weekly');
    end if;
    if not exists (select from lb.boards() as b where b.board_id = 'ranked-daily-best') then
        perform lb.create_board(
            'ranked-daily-best', p_game_mode => 'ranked', p_reset => 'daily', p_aggregate => 'best'
        );
    end if;
    if not exists (select from lb.boards() as b where b.board_id = 'tournament-monthly') then
        perform lb.create_board(
            'tournament-monthly', p_game_mode => 'tournament', p_reset => 'monthly'
        );
    end if;
end
$$;
