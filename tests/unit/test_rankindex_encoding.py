"""How SQL's board order becomes Redis's (leaderboard.index.encoding), without a server."""

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.index import encoding

IDS = st.integers(1, 2**63 - 1)
# microseconds since 1970 up to the year 2286, the encoding's range
TIES = st.integers(0, 10**16 - 1)


@given(IDS, st.one_of(st.none(), TIES))
def test_members_round_trip(user_id, tie_us):
    assert encoding.user_of(encoding.member(user_id, tie_us)) == user_id


@given(IDS, IDS)
def test_member_bytes_sort_like_the_ids(a, b):
    """Redis orders equal scores by member bytes; this is what makes ties list by user_id."""
    assert (encoding.encode_user(a).encode() < encoding.encode_user(b).encode()) == (a < b)


@given(TIES, IDS, TIES, IDS)
def test_earliest_members_sort_by_time_then_id(tie_a, a, tie_b, b):
    """On earliest-tie boards equal values list by the time they were reached, then user_id:
    SQL's (tie_at, user_id)."""
    left = encoding.member(a, tie_a).encode()
    right = encoding.member(b, tie_b).encode()
    assert (left < right) == ((tie_a, a) < (tie_b, b))


@given(st.integers(0, 2**53 - 1))
def test_every_allowed_total_survives_the_double_score(total):
    assert encoding.value_of(repr(float(-total))) == total


@given(st.one_of(st.none(), st.integers(0, 2**33)))
def test_period_keys_round_trip(start):
    assert encoding.period_start(encoding.period_key(start)) == start


def test_the_current_period_moves_on_when_its_end_has_passed():
    assert encoding.current_period(None, None) == encoding.ALL_TIME
    assert encoding.current_period(0, 86400, now=86399.9) == "19700101T000000Z"
    assert encoding.current_period(0, 86400, now=86400) == "19700102T000000Z"
