"""Boards in SQL: definitions, what each board counts, periods and their boundaries, reads of
past periods, retention, backfill, recompute and delete. Time is moved with lb.test_now,
which only a superuser session (the tests') may set."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tests.support.db import assert_rejected, db_state

UTC_ = UTC


def at(conn, when: str | datetime | None) -> None:
    """Move this connection's clock (lb._now) to `when`; None puts it back."""
    value = when.isoformat() if isinstance(when, datetime) else (when or "")
    conn.execute("select set_config('lb.test_now', %s, false)", (value,))


def make_players(conn, n, prefix="p"):
    return [
        conn.execute("select lb.create_player(%s)", (f"{prefix}{i}",)).fetchone()[0]
        for i in range(n)
    ]


def submit(conn, user_id, score, mode="classic", key=None):
    return conn.execute(
        "select total_score from lb.submit_score(%s, %s, %s, %s)", (user_id, score, mode, key)
    ).fetchone()[0]


def create(conn, board_id, **fields):
    names = "".join(f", p_{name} => %s" for name in fields)
    return conn.execute(
        f"select * from lb.create_board(%s{names})",
        (board_id, *fields.values()),
    ).fetchone()


def top(conn, board, period=None, limit=100):
    return conn.execute(
        "select rank, user_id, total_score from lb.top_players(%s, 0, %s, %s)",
        (limit, board, period),
    ).fetchall()


def entries(conn, board):
    rows = conn.execute(
        "select nullif(e.period_start, '-infinity'), e.user_id, e.value from lb.board_entries e"
        " join lb.boards b using (board_no) where b.board_id = %s",
        (board,),
    ).fetchall()
    return {(period, user_id): value for period, user_id, value in rows}


# -- definitions -------------------------------------------------------------------------------


def test_the_global_board_exists_and_is_listed_first(api):
    create(api, "aaa")
    rows = api.execute(
        "select board_id, game_mode, aggregate, reset, tie_break, period_start, period_end,"
        " next_reset_at from lb.boards()"
    ).fetchall()
    assert rows[0] == ("global", None, "sum", "never", "shared", None, None, None)
    assert [r[0] for r in rows] == ["global", "aaa"]


def test_game_modes_are_rows_and_every_check_reads_them(conn):
    modes = [m for (m,) in conn.execute("select game_mode from lb.game_modes order by ordinal")]
    assert modes == ["classic", "ranked", "casual", "tournament"]
    (player,) = make_players(conn, 1)
    conn.execute("insert into lb.game_modes (game_mode) values ('arena')")
    submit(conn, player, 5, "arena")
    error = assert_rejected(
        conn,
        "22023",
        "must be one of classic, ranked, casual, tournament, arena",
        "select * from lb.submit_score(%s, 1, 'nope')",
        (player,),
    )
    assert error.diag.column_name == "p_game_mode"


@pytest.mark.parametrize(
    ("fields", "argument", "fragment"),
    [
        ({"board_id": "Bad"}, "p_board_id", "must be 1 to 40 characters"),
        ({"board_id": "-x"}, "p_board_id", "starting with a letter or digit"),
        ({"board_id": "x" * 41}, "p_board_id", "must be 1 to 40 characters"),
        ({"game_mode": "arcade"}, "p_game_mode", "or null for every mode"),
        ({"aggregate": "max"}, "p_aggregate", "must be sum or best"),
        ({"reset": "hourly"}, "p_reset", "must be never, daily, weekly, monthly or fixed"),
        ({"reset": "fixed"}, "p_reset_every", "must be whole days"),
        ({"reset": "fixed", "reset_every": "1 month"}, "p_reset_every", "use reset monthly"),
        ({"reset": "fixed", "reset_every": "1 day 2 hours"}, "p_reset_every", "whole days"),
        ({"reset": "fixed", "reset_every": "0.5 seconds"}, "p_reset_every", "whole seconds"),
        # a day or more in hours is neither whole days nor under a day (it read back as P1D)
        ({"reset": "fixed", "reset_every": "PT24H"}, "p_reset_every", "whole days"),
        ({"reset": "fixed", "reset_every": "PT876000H"}, "p_reset_every", "whole days"),
        ({"reset": "daily", "reset_every": "1 day"}, "p_reset_every", "only for reset fixed"),
        ({"time_zone": "Mars/Olympus"}, "p_time_zone", "IANA time zone name"),
        ({"tie_break": "random"}, "p_tie_break", "must be shared or earliest"),
        ({"retain_periods": -1}, "p_retain_periods", "from 0 to 1000"),
        ({"starts_at": "2026-02-01Z", "ends_at": "2026-01-01Z"}, "p_ends_at", "after p_starts_at"),
        # the times a board may have (issue 27): what every client can show
        ({"ends_at": "infinity"}, "p_ends_at", "must be a time from 0001-01-01T00:00:00Z"),
        ({"ends_at": "9999-12-31T23:59:59-01:00"}, "p_ends_at", "to 9999-12-31T23:59:59.999999Z"),
        ({"starts_at": "0001-01-01T00:00:00+01:00"}, "p_starts_at", "must be a time from"),
        ({"reset": "fixed", "reset_every": "P999999999D"}, "p_reset_every", "at most 36525 days"),
        ({"reset": "fixed", "reset_every": "3000000 days"}, "p_reset_every", "at most 36525"),
        (
            {"reset": "fixed", "reset_every": "P3650D", "retain_periods": 1000},
            "p_retain_periods",
            "reaches back to periods before 0001-01-01",
        ),
        (
            {"reset": "fixed", "reset_every": "P1D", "reset_anchor": "0001-01-01 00:00:00 BC"},
            "p_reset_anchor",
            "must be a time from",
        ),
    ],
)
def test_a_bad_board_definition_is_rejected_naming_the_argument(api, fields, argument, fragment):
    fields = dict(fields)  # the parametrized dict is shared by both topologies' runs
    board_id = fields.pop("board_id", "ok")
    names = "".join(f", p_{name} => %s" for name in fields)
    error = assert_rejected(
        api,
        "22023",
        fragment,
        f"select * from lb.create_board(%s{names})",
        (board_id, *fields.values()),
    )
    assert error.diag.column_name == argument


def test_a_board_id_is_taken_once(api):
    create(api, "weekly", reset="weekly")
    error = assert_rejected(
        api,
        "23505",
        "p_board_id 'weekly' is already taken",
        "select * from lb.create_board('weekly')",
    )
    assert error.diag.column_name == "p_board_id"


@pytest.mark.parametrize(
    "query",
    [
        "select * from lb.top_players(10, 0, 'nope')",
        "select * from lb.player_rank(1, 'nope')",
        "select * from lb.players_around(1, 5, 'nope')",
        "select * from lb.board_periods('nope')",
        "select * from lb.update_board('nope', p_enabled => false)",
        "select lb.delete_board('nope')",
        "select lb.recompute_board('nope')",
    ],
)
def test_an_unknown_board_is_no_data_found_naming_it(api, query):
    make_players(api, 1)
    error = assert_rejected(api, "P0002", "board 'nope' does not exist", query)
    assert error.diag.column_name == "p_board"


def test_what_a_board_means_cannot_change(api):
    create(api, "ranked-best", game_mode="ranked", aggregate="best")
    for argument, value in (
        ("aggregate", "sum"),
        ("game_mode", "casual"),
        ("reset", "daily"),
        ("tie_break", "earliest"),
        ("time_zone", "Europe/Berlin"),
    ):
        error = assert_rejected(
            api,
            "22023",
            f"p_{argument} cannot be changed",
            f"select * from lb.update_board('ranked-best', p_{argument} => %s)",
            (value,),
        )
        assert error.diag.column_name == f"p_{argument}"
    # the same value is not a change
    api.execute("select * from lb.update_board('ranked-best', p_aggregate => 'best')")


def test_enabled_retention_and_end_can_change(api):
    create(api, "event", ends_at="2999-01-01Z")
    row = api.execute(
        "select enabled, retain_periods, ends_at from lb.update_board("
        "'event', p_enabled => false, p_retain_periods => 3, p_ends_at => 'infinity')"
    ).fetchone()
    assert row == (False, 3, None)
    assert_rejected(
        api,
        "22023",
        "p_ends_at must not be in the past",
        "select * from lb.update_board('event', p_ends_at => '2001-01-01Z')",
    )


def test_global_cannot_be_deleted_disabled_or_ended(api):
    for query in (
        "select lb.delete_board('global')",
        "select * from lb.update_board('global', p_enabled => false)",
        "select * from lb.update_board('global', p_ends_at => '2999-01-01Z')",
    ):
        assert_rejected(api, "22023", "global", query)


# -- what a board counts -------------------------------------------------------------------


def test_each_session_counts_on_every_board_that_accepts_it(api):
    a, b = make_players(api, 2)
    create(api, "ranked", game_mode="ranked")
    create(api, "ranked-best", game_mode="ranked", aggregate="best")
    create(api, "casual", game_mode="casual")
    create(api, "off", enabled=False)
    for uid, score, mode in (
        (a, 100, "ranked"),
        (a, 300, "ranked"),
        (a, 50, "casual"),
        (b, 200, "ranked"),
    ):
        submit(api, uid, score, mode)
    assert top(api, "global") == [(1, a, 450), (2, b, 200)]
    assert top(api, "ranked") == [(1, a, 400), (2, b, 200)]
    assert top(api, "ranked-best") == [(1, a, 300), (2, b, 200)]
    assert top(api, "casual") == [(1, a, 50)]
    assert top(api, "off") == []


def test_an_event_board_counts_only_inside_its_window(conn):
    (a,) = make_players(conn, 1)
    create(conn, "event", starts_at="2026-05-01 00:00Z", ends_at="2026-05-02 00:00Z")
    for when, score in (
        ("2026-04-30 23:59:59.999999Z", 1),
        ("2026-05-01 00:00Z", 10),
        ("2026-05-01 23:59:59Z", 100),
        ("2026-05-02 00:00Z", 1000),
    ):
        at(conn, when)
        submit(conn, a, score)
    at(conn, "2026-05-01 12:00Z")
    assert top(conn, "event") == [(1, a, 110)]
    assert top(conn, "global") == [(1, a, 1111)]


def test_shared_ties_share_a_rank_and_earliest_ties_go_to_who_got_there_first(conn):
    a, b, c = make_players(conn, 3)
    create(conn, "shared-best", aggregate="best")
    create(conn, "first-best", aggregate="best", tie_break="earliest")
    at(conn, "2026-03-01 10:00Z")
    submit(conn, c, 500)
    at(conn, "2026-03-01 10:01Z")
    submit(conn, a, 500)
    at(conn, "2026-03-01 10:02Z")
    submit(conn, b, 900)
    submit(conn, a, 500)  # the same score again, later: a keeps its earlier time
    assert top(conn, "shared-best") == [(1, b, 900), (2, a, 500), (2, c, 500)]
    assert top(conn, "first-best") == [(1, b, 900), (2, c, 500), (3, a, 500)]
    ranks = {
        uid: conn.execute("select rank from lb.player_rank(%s, 'first-best')", (uid,)).fetchone()[0]
        for uid in (a, b, c)
    }
    assert ranks == {b: 1, c: 2, a: 3}
    around = conn.execute(
        "select rank, user_id from lb.players_around(%s, 1, 'first-best')", (c,)
    ).fetchall()
    assert around == [(1, b), (2, c), (3, a)]


def test_an_earliest_sum_ranks_by_when_the_value_was_last_raised(conn):
    a, b = make_players(conn, 2)
    create(conn, "race", tie_break="earliest")
    at(conn, "2026-03-01 10:00Z")
    submit(conn, a, 60)
    at(conn, "2026-03-01 10:01Z")
    submit(conn, b, 100)
    at(conn, "2026-03-01 10:02Z")
    submit(conn, a, 40)  # a reaches 100 after b did
    submit(conn, b, 0)  # a 0 raises nothing, so b's time stays
    assert top(conn, "race") == [(1, b, 100), (2, a, 100)]


def test_an_equal_best_reached_earlier_but_committed_later_moves_the_tie_back(conn):
    """Concurrent transactions commit in any order; a session's time is its transaction's
    start. The tie time is the earliest start that reached the value, whatever the order."""
    a, b = make_players(conn, 2)
    create(conn, "first-best", aggregate="best", tie_break="earliest")
    at(conn, "2026-03-01 10:05Z")
    submit(conn, a, 500)
    at(conn, "2026-03-01 10:03Z")
    submit(conn, b, 500)
    assert top(conn, "first-best") == [(1, b, 500), (2, a, 500)]
    at(conn, "2026-03-01 10:01Z")  # a started first after all
    submit(conn, a, 500)
    assert top(conn, "first-best") == [(1, a, 500), (2, b, 500)]


def test_a_zero_never_moves_an_earliest_sum_that_is_above_zero(conn):
    a, b = make_players(conn, 2)
    create(conn, "race", tie_break="earliest")
    at(conn, "2026-03-01 10:05Z")
    submit(conn, a, 100)
    at(conn, "2026-03-01 10:06Z")
    submit(conn, b, 100)
    at(conn, "2026-03-01 10:00Z")
    submit(conn, b, 0)  # earlier, but it raised nothing
    assert top(conn, "race") == [(1, a, 100), (2, b, 100)]


def test_a_retry_with_its_key_changes_no_board(api):
    (a,) = make_players(api, 1)
    create(api, "weekly", reset="weekly")
    create(api, "best", aggregate="best")
    submit(api, a, 70, "ranked", "match-1")
    before = db_state(api)
    assert submit(api, a, 70, "ranked", "match-1") == 70
    assert db_state(api) == before


def test_a_board_sum_past_2_pow_53_is_refused_naming_the_board(conn):
    (a,) = make_players(conn, 1)
    create(conn, "ranked", game_mode="ranked")
    submit(conn, a, 1, "ranked")
    conn.execute(
        "update lb.board_entries e set value = 9007199254740991 from lb.boards b"
        " where b.board_no = e.board_no and b.board_id = 'ranked'"
    )
    assert_rejected(
        conn,
        "22003",
        f"value of player {a} on board 'ranked' would exceed 9007199254740991",
        "select * from lb.submit_score(%s, 1, 'ranked')",
        (a,),
    )
    submit(conn, a, 1, "classic")  # other boards are fine


# -- periods ------------------------------------------------------------------------------------


def test_a_weekly_board_resets_at_monday_midnight(conn):
    (a,) = make_players(conn, 1)
    create(conn, "weekly", reset="weekly")
    at(conn, "2026-03-08 23:59:59.999999Z")  # a Sunday
    submit(conn, a, 1)
    at(conn, "2026-03-09 00:00:00Z")  # the Monday after
    submit(conn, a, 10)
    assert entries(conn, "weekly") == {
        (datetime(2026, 3, 2, tzinfo=UTC_), a): 1,
        (datetime(2026, 3, 9, tzinfo=UTC_), a): 10,
    }
    period = conn.execute(
        "select period_start, period_end from lb.player_rank(%s, 'weekly')", (a,)
    ).fetchone()
    assert period == (datetime(2026, 3, 9, tzinfo=UTC_), datetime(2026, 3, 16, tzinfo=UTC_))


def test_a_berlin_daily_board_has_a_23_hour_day_in_march(conn):
    (a,) = make_players(conn, 1)
    create(conn, "berlin", reset="daily", time_zone="Europe/Berlin")
    # 2026-03-29: clocks go from 02:00 CET to 03:00 CEST
    at(conn, "2026-03-29 12:00Z")
    bounds = conn.execute(
        "select period_start, period_end from lb.boards() where board_id = 'berlin'"
    ).fetchone()
    assert bounds == (
        datetime(2026, 3, 28, 23, tzinfo=UTC_),
        datetime(2026, 3, 29, 22, tzinfo=UTC_),
    )
    assert bounds[1] - bounds[0] == timedelta(hours=23)
    at(conn, "2026-03-29 21:59:59.999999Z")  # 23:59:59.999999 in Berlin
    submit(conn, a, 1)
    at(conn, "2026-03-29 22:00Z")  # midnight in Berlin
    submit(conn, a, 10)
    assert entries(conn, "berlin") == {
        (datetime(2026, 3, 28, 23, tzinfo=UTC_), a): 1,
        (datetime(2026, 3, 29, 22, tzinfo=UTC_), a): 10,
    }


def test_fixed_periods_count_from_their_anchor(conn):
    (a,) = make_players(conn, 1)
    create(conn, "season", reset="fixed", reset_every="28 days", reset_anchor="2026-01-05 00:00")
    create(conn, "short", reset="fixed", reset_every="90 minutes", reset_anchor="2026-01-01 00:00")
    at(conn, "2026-02-01 01:29:59Z")  # 496 periods of 90 minutes and 89:59 after the anchor
    submit(conn, a, 5)
    assert entries(conn, "season") == {(datetime(2026, 1, 5, tzinfo=UTC_), a): 5}
    assert entries(conn, "short") == {(datetime(2026, 2, 1, tzinfo=UTC_), a): 5}
    at(conn, "2026-02-02 00:00Z")  # 28 days after 2026-01-05
    submit(conn, a, 7)
    assert entries(conn, "season") == {
        (datetime(2026, 1, 5, tzinfo=UTC_), a): 5,
        (datetime(2026, 2, 2, tzinfo=UTC_), a): 7,
    }


def test_a_past_period_is_read_by_its_start_until_it_is_no_longer_kept(conn):
    a, b = make_players(conn, 2)
    create(conn, "daily", reset="daily", retain_periods=2)
    for day, uid, score in ((1, a, 10), (2, b, 20), (3, a, 30), (4, b, 40)):
        at(conn, f"2026-06-0{day} 12:00Z")
        submit(conn, uid, score)
    # now is June 4th: June 2nd and 3rd are readable, June 1st is older than 2 periods
    assert top(conn, "daily") == [(1, b, 40)]
    assert top(conn, "daily", "2026-06-03 00:00Z") == [(1, a, 30)]
    assert top(conn, "daily", "2026-06-02 00:00Z") == [(1, b, 20)]
    periods = conn.execute("select period_start, players from lb.board_periods('daily')").fetchall()
    assert periods == [
        (datetime(2026, 6, 4, tzinfo=UTC_), 1),
        (datetime(2026, 6, 3, tzinfo=UTC_), 1),
        (datetime(2026, 6, 2, tzinfo=UTC_), 1),
    ]
    for period, fragment in (
        ("2026-06-01 00:00Z", "is older than the 2 periods board 'daily' keeps"),
        ("2026-06-02 12:00Z", "is not a period start of board 'daily'"),
        ("2026-06-05 00:00Z", "has not begun on board 'daily'"),
    ):
        error = assert_rejected(
            conn, "P0002", fragment, "select * from lb.top_players(10, 0, 'daily', %s)", (period,)
        )
        assert error.diag.column_name == "p_period"
    error = assert_rejected(
        conn, "P0002", "never resets", "select * from lb.top_players(10, 0, 'global', now())"
    )
    assert error.diag.column_name == "p_period"


def test_pruning_deletes_old_periods_but_never_the_session_log(conn):
    a, b = make_players(conn, 2)
    create(conn, "daily", reset="daily", retain_periods=1)
    for day in range(1, 6):
        at(conn, f"2026-06-0{day} 12:00Z")
        submit(conn, a, day)
        submit(conn, b, 10 * day)
    sessions = db_state(conn)["sessions"]
    assert conn.execute("select lb.prune_periods()").fetchone() == (6,)  # 3 days x 2 players
    assert sorted({p for p, _ in entries(conn, "daily")}) == [
        datetime(2026, 6, 4, tzinfo=UTC_),
        datetime(2026, 6, 5, tzinfo=UTC_),
    ]
    assert conn.execute(
        "select count(distinct period_start) from lb.board_buckets k join lb.boards b"
        " using (board_no) where b.board_id = 'daily'"
    ).fetchone() == (2,)
    assert db_state(conn)["sessions"] == sessions
    assert conn.execute("select lb.prune_periods()").fetchone() == (0,)


# -- backfill, recompute, delete -----------------------------------------------------------------


def board_from_log(conn, board):
    """What a board must hold, recomputed by lb.recompute_board in a rolled-back transaction."""
    with psycopg.connect(conn.info.dsn) as other:
        other.execute("select set_config('lb.test_now', %s, true)", (current_clock(conn),))
        other.execute("select lb.recompute_board(%s)", (board,))
        state = entries(other, board)
        other.rollback()
    return state


def current_clock(conn):
    return conn.execute("select current_setting('lb.test_now', true)").fetchone()[0] or ""


def test_a_backfilled_board_equals_one_that_counted_every_session_live(conn):
    players = make_players(conn, 6)
    boards = {
        "w-sum": {"reset": "weekly"},
        "d-best-first": {
            "reset": "daily",
            "aggregate": "best",
            "tie_break": "earliest",
            "retain_periods": 60,
        },
        "r-sum-first": {"game_mode": "ranked", "tie_break": "earliest"},
    }
    for board, fields in boards.items():
        create(conn, f"live-{board}", **fields)
    start = datetime(2026, 4, 1, 6, tzinfo=UTC_)
    for i in range(120):
        at(conn, start + timedelta(hours=7 * i))
        submit(conn, players[i % 6], (i * 7919) % 1000, ("ranked", "casual")[i % 2])
    for board, fields in boards.items():
        create(conn, f"filled-{board}", backfill=True, **fields)
        assert entries(conn, f"filled-{board}") == entries(conn, f"live-{board}"), board
        assert top(conn, f"filled-{board}") == top(conn, f"live-{board}"), board
    # a backfill fills the readable periods only: the current one and retain_periods before
    create(conn, "filled-short", reset="daily", retain_periods=2, backfill=True)
    days = sorted({period for period, _ in entries(conn, "filled-short")})
    assert days == [datetime(2026, 5, 3, tzinfo=UTC_) + timedelta(days=n) for n in range(3)]


def test_a_backfill_loses_no_submit_made_meanwhile(conn, connect):
    players = make_players(conn, 4)
    for p in players:
        submit(conn, p, 1)
    stop = threading.Event()
    done = [0]

    def writer():
        c = connect()
        while not stop.is_set():
            c.execute("select lb.submit_score(%s, 1)", (players[done[0] % 4],))
            done[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        for n in range(5):
            create(conn, f"filled-{n}", backfill=True)
    finally:
        stop.set()
        thread.join()
    assert done[0] > 0
    log = dict(conn.execute("select user_id, sum(score) from lb.game_sessions group by 1"))
    for n in range(5):
        assert {u: v for (_, u), v in entries(conn, f"filled-{n}").items()} == log


def test_recompute_repairs_a_board_from_the_log_and_moves_its_epoch(conn):
    a, b = make_players(conn, 2)
    create(conn, "weekly", reset="weekly")
    submit(conn, a, 10)
    submit(conn, b, 20)
    good = entries(conn, "weekly")
    conn.execute("update lb.board_entries set value = value + 5")  # drift, by hand
    epoch = conn.execute("select epoch from lb.boards where board_id = 'weekly'").fetchone()[0]
    assert conn.execute("select lb.recompute_board('weekly')").fetchone() == (2,)
    assert entries(conn, "weekly") == good
    assert conn.execute("select epoch from lb.boards where board_id = 'weekly'").fetchone() == (
        epoch + 1,
    )


def test_deleting_a_board_deletes_its_values_not_the_sessions(conn):
    (a,) = make_players(conn, 1)
    create(conn, "doomed", reset="daily")
    submit(conn, a, 10)
    assert conn.execute("select lb.delete_board('doomed')").fetchone() == (1,)
    assert conn.execute(
        "select count(*) from lb.board_entries e where not exists"
        " (select from lb.boards b where b.board_no = e.board_no)"
    ).fetchone() == (0,)
    assert conn.execute("select count(*) from lb.game_sessions").fetchone() == (1,)
    # a new board under the same id starts empty
    create(conn, "doomed", reset="daily")
    assert top(conn, "doomed") == []


def test_eight_writers_over_four_boards_leave_every_board_exact(conn, connect):
    players = make_players(conn, 20)
    create(conn, "weekly", reset="weekly")
    create(conn, "ranked-daily-best", game_mode="ranked", reset="daily", aggregate="best")
    create(conn, "ranked-best", game_mode="ranked", aggregate="best", tie_break="earliest")
    errors: list[Exception] = []

    def writer(n):
        try:
            c = connect()
            for i in range(250):
                c.execute(
                    "select lb.submit_score(%s, %s, %s)",
                    (
                        players[(n * 7 + i) % 20],
                        (n * 1009 + i * 31) % 5000,
                        ("ranked", "classic")[i % 2],
                    ),
                )
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db_state(conn)["sessions"] == 2000
    for board in ("global", "weekly", "ranked-daily-best", "ranked-best"):
        assert entries(conn, board) == board_from_log(conn, board), board
    histogram = conn.execute(
        "select count(*) from (select board_no, period_start, lb._score_bucket(value) as bucket,"
        " count(*) n"
        " from lb.board_entries group by 1, 2, 3) e full join lb.board_buckets k"
        " using (board_no, period_start, bucket) where coalesce(e.n, 0) <> coalesce(k.players, 0)"
    ).fetchone()
    assert histogram == (0,)


# -- the clock -----------------------------------------------------------------------------


def test_only_a_superuser_session_can_move_the_clock(connect_as):
    game = connect_as("lb_game_server")
    player = game.execute("select lb.create_player('clockless')").fetchone()[0]
    game.execute("set lb.test_now = '2001-01-01Z'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only a superuser"):
        game.execute("select * from lb.submit_score(%s, 1)", (player,))
    game.execute("reset lb.test_now")
    game.execute("select * from lb.submit_score(%s, 1)", (player,))
