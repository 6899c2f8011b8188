"""How SQL's board order becomes Redis's (leaderboard.index.encoding), without a server."""

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.index import encoding

IDS = st.integers(1, 2**63 - 1)
# microseconds since 1970, up to the encoding's range (the year 2398)
TIES = st.integers(0, 62**encoding.TIE_WIDTH - 1)


@given(IDS, st.one_of(st.none(), TIES))
def test_members_round_trip(user_id, tie_us):
    member = encoding.member(user_id, tie_us)
    assert encoding.user_of(member, earliest=tie_us is not None) == user_id
    if tie_us is not None:
        assert encoding.tie_of(member) == tie_us


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


def test_a_million_players_fit_a_short_string():
    """Up to 6 bytes, a member takes Redis's 8-byte allocation (base 62: ids below 916M)."""
    assert len(encoding.encode_user(916_132_831)) == 6
    assert len(encoding.encode_user(1_000_000)) == 5


@given(IDS)
def test_usernames_of_neighbouring_ids_share_a_bucket_of_62(user_id):
    bucket, field = encoding.name_slot(user_id)
    assert bucket + field == encoding.encode_user(user_id)
    first = user_id - user_id % 62
    if first > 0:
        assert encoding.name_slot(first)[0] == bucket


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
