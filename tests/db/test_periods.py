"""The period math in SQL (lb._period_number, lb._period_start, lb._period_of) against each
other and against a plain Python model of the same calendar (zoneinfo), over random boards and
instants, DST transitions included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.model import BoardDef, period_start

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]

BOARDS = st.one_of(
    st.builds(
        BoardDef,
        reset=st.sampled_from(["never", "daily", "weekly", "monthly"]),
        time_zone=st.sampled_from(ZONES),
    ),
    st.builds(
        BoardDef,
        reset=st.just("fixed"),
        time_zone=st.sampled_from(ZONES),
        reset_every=st.one_of(
            st.integers(1, 40).map(lambda d: timedelta(days=d)),
            st.integers(1, 86399).map(lambda s: timedelta(seconds=s)),
        ),
        # midnight: none of these zones changes its clocks then, so every period start is a
        # wall-clock time that exists once (see tests/support/model.py for the rule otherwise)
        reset_anchor=st.dates(date(2020, 1, 1), date(2030, 1, 1)).map(
            lambda d: datetime.combine(d, datetime.min.time())
        ),
    ),
)
INSTANTS = st.datetimes(datetime(2021, 1, 1), datetime(2029, 12, 31), timezones=st.just(UTC))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(board=BOARDS, instants=st.lists(INSTANTS, min_size=1, max_size=8))
def test_sql_periods_agree_with_each_other_and_with_the_model(conn, board, instants):
    conn.execute("delete from lb.boards where board_id = 'p'")
    conn.execute(
        "select lb.create_board('p', p_reset => %s, p_time_zone => %s, p_reset_every => %s,"
        " p_reset_anchor => %s)",
        (board.reset, board.time_zone, board.reset_every, board.reset_anchor),
    )
    for instant in instants:
        # -infinity and infinity (an all-time board's bounds) come back as null
        of, composed, following = conn.execute(
            "select nullif(lb._period_of(b, %(t)s), '-infinity'),"
            " nullif(lb._period_start(b, lb._period_number(b, %(t)s)), '-infinity'),"
            " nullif(lb._period_end(b, lb._period_of(b, %(t)s)), 'infinity')"
            " from lb.boards b where b.board_id = 'p'",
            {"t": instant},
        ).fetchone()
        assert of == composed
        assert of == period_start(board, instant), (board, instant)
        if board.reset == "never":
            assert following is None
            continue
        assert of <= instant < following
        # the next period starts where this one ends
        assert period_start(board, following) == following
    _bulk_paths_find_the_same_periods(conn, instants)


def _bulk_paths_find_the_same_periods(conn, instants):
    """lb._expected_entries (bulk fill, backfill, verify, repair) finds a session's period by
    searching the range's period starts, not with lb._period_of: the two must agree, here
    over a range of four periods around each instant."""
    user = conn.execute("select lb.create_player('periods-' || gen_random_uuid())").fetchone()[0]
    for instant in instants:
        conn.execute(
            "insert into lb.game_sessions (user_id, score, game_mode, played_at)"
            " values (%s, 1, 'classic', %s)",
            (user, instant),
        )
        found = conn.execute(
            "select x.period_start = lb._period_of(b, %(t)s)"
            " from lb.boards b, lateral lb._expected_entries(b,"
            "   lb._period_start(b, lb._period_number(b, %(t)s) - 2),"
            "   lb._period_start(b, lb._period_number(b, %(t)s) + 2), 0, array[%(u)s]::bigint[]) x"
            " where b.board_id = 'p'",
            {"t": instant, "u": user},
        ).fetchall()
        assert found == [(True,)], instant
        conn.execute("delete from lb.game_sessions where user_id = %s", (user,))
