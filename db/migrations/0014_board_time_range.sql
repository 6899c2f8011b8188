-- Purpose: every time a board has is one every client can show (issue 27). A board whose
-- period ended in year 10000 made every board read fail, and one that kept 1000 periods of
-- ten years stopped the bridge for every board. lb.create_board and lb.update_board now
-- refuse both (lb._check_time, lb._check_board_range); these constraints hold the fixed
-- fields to the same range, and a database that already has such a board is not migrated
-- until the operator has dealt with it (the message names each board and what to do).
set local role lb_owner;

-- the db/functions versions are applied after the migrations; the constraints need these now
create or replace function lb._min_time()
returns timestamptz language sql immutable parallel safe
return '0001-01-01 00:00:00+00'::timestamptz;

create or replace function lb._max_time()
returns timestamptz language sql immutable parallel safe
return '9999-12-31 23:59:59.999999+00'::timestamptz;

create or replace function lb._max_reset_every()
returns interval language sql immutable parallel safe
return interval '36525 days';

do $$
declare
    v_board lb.boards;
    v_bad text[] := '{}';
    v_oldest timestamptz;
    v_end timestamptz;
begin
    -- only boards made by lb.create_board can reset: the period functions exist then (on a
    -- new database the migrations run before any function is created)
    for v_board in select * from lb.boards order by board_id loop
        if v_board.reset <> 'never' then
            begin
                v_end := lb._period_end(
                    v_board, lb._period_start(v_board, lb._period_number(v_board, now()))
                );
                v_oldest := lb._period_start(
                    v_board, lb._period_number(v_board, now()) - v_board.retain_periods
                );
            exception when others then
                v_end := 'infinity';
            end;
        end if;
        if not coalesce(v_board.starts_at between lb._min_time() and lb._max_time(), true)
            or not coalesce(v_board.ends_at between lb._min_time() and lb._max_time(), true)
            or coalesce(v_board.reset_every > lb._max_reset_every(), false)
            or (v_board.reset <> 'never' and not (
                v_oldest >= lb._min_time() and v_end <= lb._max_time()
            )) then
            v_bad := v_bad || v_board.board_id;
        end if;
    end loop;
    if cardinality(v_bad) > 0 then
        raise exception 'boards with times outside 0001-01-01 .. 9999-12-31: %', array_to_string(v_bad, ', ')
        using hint = 'delete them (leaderboard boards delete BOARD), or give them an end within '
        'range and fewer retained periods (leaderboard boards update BOARD --ends-at TIME '
        '--retain-periods N), then run leaderboard migrate again';
    end if;
end;
$$;

alter table lb.boards
add constraint boards_times_check check (
    starts_at between lb._min_time() and lb._max_time()
    and ends_at between lb._min_time() and lb._max_time()
),
add constraint boards_reset_every_check check (
    reset_every > interval '0' and reset_every <= lb._max_reset_every()
);
