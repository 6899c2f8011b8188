"""lb.seed: bulk load into empty tables, append otherwise; consistent totals and histogram."""

import pytest

from tests.support.db import assert_rejected, check_histogram, db_state


def catalog(conn):
    """Keys, indexes and constraints of the lb tables, to prove the bulk path restores them."""
    return conn.execute(
        """
        select array_agg(x order by x) from (
            select conname || ' ' || pg_get_constraintdef(oid) as x from pg_constraint
            where connamespace = 'lb'::regnamespace
            union all
            select indexname || ' ' || indexdef from pg_indexes where schemaname = 'lb'
        ) as c
        """
    ).fetchone()[0]


def test_bulk_seed_builds_consistent_data_and_restores_every_key(conn):
    before = catalog(conn)
    epoch = db_state(conn)["epoch"]
    row = conn.execute("select * from lb.seed(300, 2000, 0.25)").fetchone()
    assert row[:2] == (300, 2000)
    assert catalog(conn) == before
    state = db_state(conn)
    assert (state["users"], state["sessions"], state["entries"]) == (300, 2000, row[2])
    assert state["epoch"] == epoch + 1
    assert state["total"] == conn.execute("select sum(score) from lb.game_sessions").fetchone()[0]
    mismatched = conn.execute(
        "select count(*) from lb.board_entries l join (select user_id, sum(score) s"
        " from lb.game_sessions group by 1) g using (user_id) where g.s <> l.value"
    ).fetchone()[0]
    assert mismatched == 0
    check_histogram(conn)
    modes = {m for (m,) in conn.execute("select distinct game_mode from lb.game_sessions")}
    assert modes == {"classic", "ranked", "casual", "tournament"}
    spread = conn.execute(
        "select max(played_at) - min(played_at) > interval '30 days' from lb.game_sessions"
    ).fetchone()[0]
    assert spread


def test_seeded_ids_continue_after_a_seed(conn):
    conn.execute("select * from lb.seed(10, 20)")
    new_id = conn.execute("select lb.create_player('after_seed')").fetchone()[0]
    assert new_id == 11
    conn.execute("select * from lb.submit_score(%s, 1)", (new_id,))
    assert conn.execute("select max(id) from lb.game_sessions").fetchone()[0] == 21


def test_seed_appends_when_players_exist(conn):
    keep = conn.execute("select lb.create_player('early')").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 123)", (keep,))
    conn.execute("select * from lb.seed(50, 200)")
    state = db_state(conn)
    assert (state["users"], state["sessions"]) == (51, 201)
    assert conn.execute("select total_score from lb.player_rank(%s)", (keep,)).fetchone() == (123,)
    check_histogram(conn)


def test_same_random_seed_gives_the_same_data(conn):
    conn.execute("select * from lb.seed(40, 100, 0.5)")
    first = conn.execute("select array_agg(score order by id) from lb.game_sessions").fetchone()
    conn.execute("select lb.clear_all()")
    conn.execute("select * from lb.seed(40, 100, 0.5)")
    assert (
        conn.execute("select array_agg(score order by id) from lb.game_sessions").fetchone()
        == first
    )


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((-1, 10), "p_users must be a non-negative integer"),
        ((None, 10), "p_users must be a non-negative integer"),
        ((10, -1), "p_sessions must be a non-negative integer"),
        ((0, 5), "p_sessions needs p_users > 0"),
        ((10, 10, 2.0), "p_random_seed must be between -1 and 1"),
    ],
)
def test_seed_rejects_bad_arguments_and_writes_nothing(conn, args, fragment):
    conn.execute("select * from lb.seed(5, 5)")
    query = (
        "select * from lb.seed(%s, %s)" if len(args) == 2 else "select * from lb.seed(%s, %s, %s)"
    )
    assert_rejected(conn, "22023", fragment, query, args)


def test_clear_all_empties_everything_and_bumps_the_epoch(conn):
    conn.execute("select * from lb.seed(20, 50)")
    before = db_state(conn)
    epoch = before["epoch"]
    conn.execute("select lb.clear_all()")
    state = db_state(conn)
    assert state == {
        **before,
        "users": 0,
        "sessions": 0,
        "entries": 0,
        "total": 0,
        "values": [],
        "idempotency_keys": 0,
        "histogram": [],
        "epoch": epoch + 1,
    }
    assert conn.execute("select lb.create_player('fresh')").fetchone() == (1,)
