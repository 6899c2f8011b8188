"""The ranking rule, identical on every path: competition rank (100, 100, 90 -> 1, 1, 3),
lists ordered by total descending then user_id, no sessions -> total 0 and rank null."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.db import assert_rejected, check_histogram, expected_order, expected_ranks


def make_players(conn, n):
    return [conn.execute("select lb.create_player(%s)", (f"p{i}",)).fetchone()[0] for i in range(n)]


def test_ties_share_a_rank_and_the_next_rank_skips(api):
    a, b, c, d = make_players(api, 4)
    for uid, score in ((b, 100), (a, 100), (c, 90)):
        api.execute("select lb.submit_score(%s, %s)", (uid, score))
    top = api.execute("select rank, user_id, total_score from lb.top_players()").fetchall()
    assert top == [(1, a, 100), (1, b, 100), (3, c, 90)]
    assert api.execute("select rank from lb.player_rank(%s)", (b,)).fetchone() == (1,)
    assert api.execute("select rank from lb.player_rank(%s)", (c,)).fetchone() == (3,)
    # d never played: total 0, rank null, and not listed
    assert api.execute(
        "select user_id, username, total_score, rank from lb.player_rank(%s)", (d,)
    ).fetchone() == (d, "p3", 0, None)


def test_a_score_of_zero_ranks_the_player(api):
    (a,) = make_players(api, 1)
    api.execute("select lb.submit_score(%s, 0)", (a,))
    assert api.execute("select total_score, rank from lb.player_rank(%s)", (a,)).fetchone() == (
        0,
        1,
    )


def test_player_rank_errors(api):
    assert_rejected(api, "P0002", "player 42 does not exist", "select * from lb.player_rank(42)")
    assert_rejected(
        api, "22023", "p_user_id must be a positive integer", "select * from lb.player_rank(null)"
    )
    assert_rejected(
        api, "22023", "p_user_id must be a positive integer", "select * from lb.player_rank(-1)"
    )


@pytest.mark.parametrize(
    ("limit", "offset", "fragment"),
    [
        (0, 0, "p_limit must be an integer from 1 to 100"),
        (101, 0, "p_limit"),
        (None, 0, "p_limit"),
        (10, -1, "p_offset must be a non-negative integer"),
        (10, None, "p_offset"),
    ],
)
def test_top_players_argument_errors(api, limit, offset, fragment):
    assert_rejected(api, "22023", fragment, "select * from lb.top_players(%s, %s)", (limit, offset))


def test_pages_continue_ranks_across_a_tie_at_the_page_boundary(api):
    players = make_players(api, 6)
    for uid, score in zip(players, (50, 40, 40, 40, 30, 20), strict=True):
        api.execute("select lb.submit_score(%s, %s)", (uid, score))
    page = api.execute("select rank, user_id from lb.top_players(2, 2)").fetchall()
    assert page == [(2, players[2]), (2, players[3])]
    page = api.execute("select rank, user_id from lb.top_players(3, 3)").fetchall()
    assert page == [(2, players[3]), (5, players[4]), (6, players[5])]
    assert api.execute("select * from lb.top_players(10, 100)").fetchall() == []


def test_players_around_is_the_window_in_leaderboard_order(api):
    players = make_players(api, 7)
    scores = (70, 60, 60, 60, 40, 30, 10)
    for uid, score in zip(players, scores, strict=True):
        api.execute("select lb.submit_score(%s, %s)", (uid, score))
    window = api.execute(
        "select rank, user_id from lb.players_around(%s, 2)", (players[2],)
    ).fetchall()
    assert window == [
        (1, players[0]),
        (2, players[1]),
        (2, players[2]),
        (2, players[3]),
        (5, players[4]),
    ]
    edge = api.execute("select user_id from lb.players_around(%s, 3)", (players[6],)).fetchall()
    assert [u for (u,) in edge] == players[3:]


def test_players_around_a_player_without_sessions_is_that_player_alone(api):
    a, b = make_players(api, 2)
    api.execute("select lb.submit_score(%s, 5)", (a,))
    assert api.execute(
        "select rank, user_id, username, total_score from lb.players_around(%s)", (b,)
    ).fetchall() == [(None, b, "p1", 0)]
    assert_rejected(
        api,
        "22023",
        "p_radius must be an integer from 0 to 50",
        "select * from lb.players_around(%s, 51)",
        (a,),
    )
    assert_rejected(api, "P0002", "does not exist", "select * from lb.players_around(999)")


def test_histogram_rank_is_exact_across_bucket_boundaries(api):
    """Totals straddling bucket edges (every value below 1,000 is a bucket; above, 1% wide:
    999 | 1,000-1,009 | ... | 9,990-9,999 | 10,000-10,099), with ties in different buckets."""
    players = make_players(api, 14)
    totals = [
        0,
        999,
        1_000,
        1_009,
        1_010,
        9_999,
        10_000,
        10_000,
        10_099,
        10_100,
        1_000_000,
        1_000_000,
        5_000_000,
        9_999,
    ]
    for uid, total in zip(players, totals, strict=True):
        remaining = total
        while True:
            step = min(remaining, 1_000_000)
            api.execute("select lb.submit_score(%s, %s)", (uid, step))
            remaining -= step
            if remaining == 0:
                break
    want = expected_ranks(dict(zip(players, totals, strict=True)))
    for uid in players:
        assert api.execute("select rank from lb.player_rank(%s)", (uid,)).fetchone()[0] == want[uid]
    check_histogram(api)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    submits=st.lists(
        st.tuples(st.integers(0, 7), st.sampled_from([0, 1, 5, 999, 1_000, 1_009, 250_000, 10**6])),
        max_size=40,
    ),
    offset=st.integers(0, 8),
)
def test_every_path_agrees_with_the_obvious_ranking(api, submits, offset):
    api.execute("select lb.clear_all()")  # a fresh leaderboard for every example
    players = make_players(api, 8)
    totals: dict[int, int] = {}
    for index, score in submits:
        uid = players[index]
        api.execute("select lb.submit_score(%s, %s)", (uid, score))
        totals[uid] = totals.get(uid, 0) + score
    ranks = expected_ranks(totals)
    order = expected_order(totals)
    top = api.execute("select rank, user_id, total_score from lb.top_players(100)").fetchall()
    assert top == [(ranks[u], u, totals[u]) for u in order]
    page = api.execute("select rank, user_id from lb.top_players(3, %s)", (offset,)).fetchall()
    assert page == [(ranks[u], u) for u in order[offset : offset + 3]]
    for uid in players:
        row = api.execute("select total_score, rank from lb.player_rank(%s)", (uid,)).fetchone()
        assert row == (totals.get(uid, 0), ranks.get(uid))
        if uid in totals:
            window = api.execute(
                "select rank, user_id from lb.players_around(%s, 2)", (uid,)
            ).fetchall()
            at = order.index(uid)
            assert window == [(ranks[u], u) for u in order[max(0, at - 2) : at + 3]]
    check_histogram(api)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(
        st.integers(0, 2**53 - 1),
        st.integers(0, 20_000),
        st.sampled_from([0, 2**53 - 1, *(10**k + d for k in range(3, 16) for d in (-1, 0))]),
    )
)
def test_a_bucket_holds_exactly_the_values_from_its_floor_to_the_next_floor(conn, value):
    bucket, floor, next_floor = conn.execute(
        "select lb._score_bucket(%(v)s), lb._bucket_floor(lb._score_bucket(%(v)s)),"
        " lb._bucket_floor(lb._score_bucket(%(v)s) + 1)",
        {"v": value},
    ).fetchone()
    assert floor <= value < next_floor
    assert floor == value or bucket >= 1000
    # one percent wide at most: the most players a rank ever counts one by one
    assert next_floor - floor <= max(1, floor // 100)


def test_bucket_numbers_are_fixed_at_every_digit_count(conn):
    # Stored histograms are numbered this way (0012_boards): a faster formula must keep it.
    # A value of d >= 4 digits is in bucket 900 * (d - 3) + value // 10^(d - 3).
    values = [v for k in range(3, 17) for v in (10**k - 1, 10**k, 10**k + 10 ** (k - 2))]
    values = [v for v in values if v <= 2**53 - 1] + [2**53 - 1]
    got = conn.execute(
        "select array_agg(lb._score_bucket(v) order by n) from unnest(%s::bigint[])"
        " with ordinality as t (v, n)",
        (values,),
    ).fetchone()[0]

    def expected(v: int) -> int:
        shift = len(str(v)) - 3
        return v if v < 1000 else 900 * shift + v // 10**shift

    assert got == [expected(v) for v in values]
