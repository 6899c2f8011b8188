from hypothesis import given
from hypothesis import strategies as st

from leaderboard.rankindex import decode_member, encode_member, total_of


@given(st.integers(1, 2**63 - 1))
def test_members_round_trip(user_id):
    assert decode_member(encode_member(user_id)) == user_id


@given(st.integers(1, 2**63 - 1), st.integers(1, 2**63 - 1))
def test_member_bytes_sort_like_the_ids(a, b):
    """Redis orders equal scores by member bytes; this is what makes ties list by user_id."""
    assert (encode_member(a).encode() < encode_member(b).encode()) == (a < b)


@given(st.integers(0, 2**53 - 1))
def test_every_allowed_total_survives_the_double_score(total):
    assert total_of(repr(float(-total))) == total
