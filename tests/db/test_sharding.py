"""The sharded topology (db/proxy, leaderboard/sharding.py): two shards behind a PL/Proxy
database. What the contract tests cannot see from the outside: where things land, that merged
reads equal one node's, and what a caller gets while a shard is down. The contract tests
themselves (test_ranking, test_players, test_submit) run against both topologies through the
`api` fixture."""

from __future__ import annotations

import random
import threading

import psycopg
import pytest

from leaderboard import errors
from leaderboard.logins import create_login
from tests.support.shards import CLUSTERS


@pytest.fixture
def proxy(sharded):
    with psycopg.connect(sharded.proxy_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def shards(sharded):
    conns = [psycopg.connect(url, autocommit=True) for url in sharded.shard_urls]
    yield conns
    for conn in conns:
        conn.close()


def test_an_id_names_its_shard_and_a_name_its_hash(proxy, shards):
    ids = {
        proxy.execute("select lb.create_player(%s)", (f"Player_{i}",)).fetchone()[0]: f"Player_{i}"
        for i in range(40)
    }
    for number, shard in enumerate(shards):
        held = dict(shard.execute("select id, username from lb.users").fetchall())
        assert held, "40 names all hashed to one shard"
        for user_id, name in held.items():
            assert (user_id - 1) % 2 == number
            assert shard.execute("select lb._shard_of_name(%s, 2)", (name,)).fetchone()[0] == number
            assert ids[user_id] == name
    assert sum(len(s.execute("select id from lb.users").fetchall()) for s in shards) == 40


def test_usernames_are_unique_across_shards_regardless_of_case(proxy, shards):
    proxy.execute("select lb.create_player('Alice')")
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        proxy.execute("select lb.create_player('aLICE')")
    assert caught.value.diag.message_primary == "p_username 'aLICE' is already taken"
    assert caught.value.diag.column_name == "p_username"
    # a shard refuses a name that is not its own, so a caller that bypasses the proxy cannot
    # create a second Alice on the other shard
    owner = shards[0].execute("select lb._shard_of_name('alice', 2)").fetchone()[0]
    other = shards[1 - owner]
    with pytest.raises(psycopg.Error) as caught:
        other.execute("select lb.create_player('ALICE')")
    assert caught.value.sqlstate == "LB002"
    assert caught.value.diag.column_name == "p_username"
    assert f"belongs to shard {owner}" in caught.value.diag.message_primary
    assert other.execute("select count(*) from lb.users").fetchone()[0] == 0


def test_a_shard_is_placed_only_while_empty(shards):
    shard = shards[0]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_shard must be an integer"):
        shard.execute("select lb.configure_shard(2, 2)")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_shards must be an integer"):
        shard.execute("select lb.configure_shard(0, 0)")
    name = next(f"n{i}" for i in range(100) if _owner(shard, f"n{i}") == 0)
    shard.execute("select lb.create_player(%s)", (name,))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="cannot change on a database"):
        shard.execute("select lb.configure_shard(1, 2)")
    shard.execute("select lb.configure_shard(0, 2)")  # its own place again: a no-op
    assert shard.execute("select shard, shards from lb.shard_config").fetchone() == (0, 2)


def _owner(conn, name: str) -> int:
    return conn.execute("select lb._shard_of_name(%s, 2)", (name,)).fetchone()[0]


BOARDS = [
    ("best_ranked", "ranked", "best", "never", "shared"),
    ("first_to", None, "sum", "never", "earliest"),
    ("daily_best", None, "best", "daily", "earliest"),
]


def _play(conn, seed: int, names: list[str]) -> list[str]:
    """The same boards and submits, in the same order, on any topology; players are created
    in the order of `names`. Returns the names in the order of the ids they got."""
    for board_id, mode, aggregate, reset, tie_break in BOARDS:
        conn.execute(
            "select * from lb.create_board(%s, %s, %s, %s, p_tie_break => %s)",
            (board_id, mode, aggregate, reset, tie_break),
        )
    ids = {
        name: conn.execute("select lb.create_player(%s)", (name,)).fetchone()[0] for name in names
    }
    rng = random.Random(seed)
    players = sorted(names)
    for _ in range(150):
        score = rng.choice([0, 1, 5, 10, 50, 100, 1000, rng.randint(0, 3000)])
        mode = rng.choice(["classic", "ranked"])
        conn.execute("select lb.submit_score(%s, %s, %s)", (ids[rng.choice(players)], score, mode))
    return sorted(names, key=ids.__getitem__)


def _by_name(conn, board: str) -> dict:
    """Every read of a board, with players named (ids differ between topologies)."""
    names = dict(conn.execute("select * from lb.player_names(%s)", (list(range(1, 100)),)))
    ids = sorted(names)
    seen = {
        "top": [
            (r, names[u], v)
            for r, u, v in conn.execute(
                "select rank, user_id, total_score from lb.top_players(100, 0, %s)", (board,)
            )
        ],
        "pages": [
            [
                (r, names[u])
                for r, u in conn.execute(
                    "select rank, user_id from lb.top_players(4, %s, %s)", (offset, board)
                )
            ]
            for offset in (0, 3, 7, 20)
        ],
    }
    for uid in ids:
        seen[names[uid]] = (
            conn.execute(
                "select total_score, rank from lb.player_rank(%s, %s)", (uid, board)
            ).fetchone(),
            [
                (r, names[u], v)
                for r, u, v in conn.execute(
                    "select rank, user_id, total_score from lb.players_around(%s, 3, %s)",
                    (uid, board),
                )
            ],
        )
    return seen


@pytest.mark.parametrize("seed", [1, 2])
def test_every_read_through_the_proxy_equals_one_node(conn, proxy, seed):
    # the node's players are created in the order of the ids the shards gave them, so ties
    # listed by user_id come in the same order on both
    by_id = _play(proxy, seed, [f"u{i}" for i in range(30)])
    _play(conn, seed, by_id)
    for board in ["global"] + [b[0] for b in BOARDS]:
        assert _by_name(proxy, board) == _by_name(conn, board), board
    node_boards = [(b[0], b[-2]) for b in conn.execute("select board_id, players from lb.boards()")]
    proxy_boards = [
        (b[0], b[-2]) for b in proxy.execute("select board_id, players from lb.boards()")
    ]
    assert proxy_boards == node_boards
    assert proxy.execute("select players from lb.board_periods('daily_best')").fetchall() == (
        conn.execute("select players from lb.board_periods('daily_best')").fetchall()
    )


def test_board_changes_reach_every_shard(proxy, shards):
    proxy.execute("select * from lb.create_board('weekly', p_reset => 'weekly')")
    proxy.execute("select * from lb.update_board('weekly', p_retain_periods => 3)")
    definitions = [
        s.execute(
            "select board_id, reset, retain_periods from lb.boards where board_id = 'weekly'"
        ).fetchall()
        for s in shards
    ]
    assert definitions == [[("weekly", "weekly", 3)]] * 2
    assert proxy.execute(
        "select count(*) from lb.boards() where board_id = 'weekly'"
    ).fetchone() == (1,)
    assert proxy.execute("select lb.delete_board('weekly')").fetchone() == (0,)
    assert all(
        s.execute("select count(*) from lb.boards where board_id = 'weekly'").fetchone() == (0,)
        for s in shards
    )


def test_shards_that_disagree_on_the_current_period_are_read_at_the_older(sharded, shards):
    """Shard clocks differ; a page read at a rollover must not mix two periods."""
    with psycopg.connect(sharded.proxy_url, autocommit=True) as proxy:
        proxy.execute("select * from lb.create_board('today', p_reset => 'daily')")
        ids = [
            proxy.execute("select lb.create_player(%s)", (f"d{i}",)).fetchone()[0] for i in range(8)
        ]
        for uid in ids:
            proxy.execute("select lb.submit_score(%s, %s)", (uid, uid * 10))
        today = proxy.execute("select period_start from lb.top_players(1, 0, 'today')").fetchone()
    # shard 0's clock is a day ahead: for it the board's current period is tomorrow's. Only
    # a superuser session may move the clock: the proxy reaches the shards as one here
    name = sharded.shard_urls[0].rsplit("/", 1)[1]
    shards[0].execute(f"alter database {name} set lb.test_now = '{_tomorrow(shards[0])}'")
    with psycopg.connect(sharded.proxy_url, autocommit=True) as proxy:
        proxy.execute(
            "alter user mapping for public server lb_shards options (set user 'postgres')"
        )
    with psycopg.connect(sharded.proxy_url, autocommit=True) as proxy:
        page = proxy.execute(
            "select user_id, period_start from lb.top_players(100, 0, 'today')"
        ).fetchall()
    assert sorted(u for u, _ in page) == sorted(ids)
    assert {p for _, p in page} == {today[0]}


def _tomorrow(conn) -> str:
    return conn.execute("select (now() + interval '1 day')::text").fetchone()[0]


def test_a_shard_down_fails_only_the_calls_that_need_it(proxy, shards):
    ids = [
        proxy.execute("select lb.create_player(%s)", (f"s{i}",)).fetchone()[0] for i in range(12)
    ]
    on_0 = next(u for u in ids if (u - 1) % 2 == 0)
    on_1 = next(u for u in ids if (u - 1) % 2 == 1)
    for uid in ids:
        proxy.execute("select lb.submit_score(%s, 10)", (uid,))
    cluster = CLUSTERS.clusters[1]
    cluster.stop(mode="immediate")
    try:
        # the other shard's players still submit and read their sessions
        assert proxy.execute(
            "select total_score from lb.submit_score(%s, 5)", (on_0,)
        ).fetchone() == (15,)
        assert len(proxy.execute("select * from lb.player_sessions(%s)", (on_0,)).fetchall()) == 2
        # the first call finds the proxy's open connection dead after sending: 08006, the
        # outcome of a write is unknown; from then on the shard cannot be reached: 08001
        with pytest.raises(psycopg.OperationalError) as caught:
            proxy.execute("select * from lb.submit_score(%s, 5, 'classic', 'key-1')", (on_1,))
        assert caught.value.sqlstate in ("08001", "08006")
        if caught.value.sqlstate == "08006":
            assert "may or may not have committed" in caught.value.diag.message_primary
            assert isinstance(errors.translate(caught.value, write=True), errors.OutcomeUnknown)
        for query, args in [
            ("select * from lb.submit_score(%s, 5)", (on_1,)),
            ("select * from lb.player_sessions(%s)", (on_1,)),
            ("select * from lb.top_players()", ()),
            ("select * from lb.player_rank(%s)", (on_0,)),
        ]:
            with pytest.raises(psycopg.OperationalError) as caught:
                proxy.execute(query, args)
            assert caught.value.sqlstate == "08001", (query, caught.value.diag.message_detail)
            message = caught.value.diag.message_primary
            assert message.startswith("shard database sharded_")
            assert message.endswith(" is unavailable: nothing was done there")
            assert str(cluster.port) in caught.value.diag.message_detail
            assert isinstance(errors.translate(caught.value, write=True), errors.Unavailable)
    finally:
        cluster.start()
        cluster.wait_ready()
    # back: everything works again; the failed submits wrote nothing, and a retry of the
    # keyed one with its key is counted once
    assert proxy.execute(
        "select total_score from lb.submit_score(%s, 5, 'classic', 'key-1')", (on_1,)
    ).fetchone() == (15,)
    assert proxy.execute(
        "select total_score from lb.submit_score(%s, 5, 'classic', 'key-1')", (on_1,)
    ).fetchone() == (15,)
    assert proxy.execute("select rank from lb.player_rank(%s)", (on_0,)).fetchone() == (1,)


def test_a_seed_through_the_proxy_puts_each_player_and_session_on_its_shard(proxy, shards):
    seeded = proxy.execute("select * from lb.seed(300, 1500, 0.25)").fetchone()
    assert seeded[:2] == (300, 1500)
    names: dict[str, int] = {}
    for number, shard in enumerate(shards):
        for user_id, name in shard.execute("select id, username from lb.users"):
            assert (user_id - 1) % 2 == number
            assert _owner(shard, name) == number
            names[name] = user_id
        sessions = shard.execute("select id, user_id from lb.game_sessions").fetchall()
        assert all((sid - 1) % 2 == number and (uid - 1) % 2 == number for sid, uid in sessions)
        # every board value agrees with the shard's own session log
        assert shard.execute("select count(*) from lb.verify_board('global')").fetchone() == (0,)
    assert sorted(names) == sorted(f"player_{n}" for n in range(1, 301))
    total = sum(s.execute("select count(*) from lb.game_sessions").fetchone()[0] for s in shards)
    assert total == 1500
    ranked = proxy.execute("select players from lb.boards() where board_id = 'global'").fetchone()
    assert ranked == (seeded[2],)
    # a second seed would give names out twice: refused, nothing written
    before = [s.execute("select count(*) from lb.users").fetchone() for s in shards]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="only while it has no players"):
        proxy.execute("select * from lb.seed(10, 10)")
    assert [s.execute("select count(*) from lb.users").fetchone() for s in shards] == before


def test_the_proxy_reaches_the_shards_as_its_own_login_and_callers_keep_their_grants(sharded):
    """The proxy connects to every shard as the lb_proxy login `shards setup` made (the only
    group that may call the shard helpers); a game server's login may do through the proxy
    exactly what it may on one node, and directly on a shard it may not call the helpers."""
    for url in [sharded.proxy_url, *sharded.shard_urls]:
        with psycopg.connect(url, autocommit=True) as admin:
            create_login(admin, "shard_game", "game_server", None)
    game_url = sharded.proxy_url.replace("postgres@", "shard_game@", 1)
    with psycopg.connect(game_url, autocommit=True) as game:
        uid = game.execute("select lb.create_player('gamer')").fetchone()[0]
        assert game.execute(
            "select total_score from lb.submit_score(%s, 9)", (uid,)
        ).fetchone() == (9,)
        assert game.execute("select rank from lb.player_rank(%s)", (uid,)).fetchone() == (1,)
        shard_url = sharded.shard_urls[(uid - 1) % 2]
        with psycopg.connect(shard_url, autocommit=True) as admin:
            mapped = admin.execute(
                "select usename from pg_stat_activity where datname = current_database()"
                " and usename <> 'postgres'"
            ).fetchall()
        # every connection the proxy opened for the game session (one per user PL/Proxy
        # calls as: the caller, and the owner of the security-definer submit) is its login
        assert mapped
        assert set(mapped) == {("leaderboard_proxy",)}
        for forbidden in (
            "select * from lb.create_board('mine')",
            "select * from lb_proxy.create_board('mine', null, 'sum', 'never', 'UTC', 'shared',"
            " 8, null, null, null, null, true, false)",
            "select lb.clear_all()",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                game.execute(forbidden)
    with psycopg.connect(shard_url.replace("postgres@", "shard_game@", 1)) as shard:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            shard.execute("select * from lb.users")
    with psycopg.connect(shard_url.replace("postgres@", "shard_game@", 1)) as shard:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            shard.execute("select count(*) from lb._shard_page(100, 2000000000, 'global', null)")


def test_concurrent_submits_through_the_proxy_give_the_exact_total(sharded, proxy):
    uid = proxy.execute("select lb.create_player('busy')").fetchone()[0]
    failures: list[Exception] = []

    def worker(offset: int) -> None:
        with psycopg.connect(sharded.proxy_url, autocommit=True) as conn:
            for i in range(50):
                try:
                    conn.execute("select lb.submit_score(%s, %s)", (uid, offset + i))
                except psycopg.Error as exc:
                    failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n * 100,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = sum(n * 100 + i for n in range(8) for i in range(50))
    assert proxy.execute("select total_score from lb.player_rank(%s)", (uid,)).fetchone() == (
        expected,
    )
    assert len(proxy.execute("select * from lb.player_sessions(%s, 100)", (uid,)).fetchall()) == 100


def test_the_shard_helpers_refuse_unbounded_calls(shards):
    """A login that may read ranks may call the helpers directly: they are as bounded as the
    public reads they serve."""
    shard = shards[0]
    many = list(range(200))
    with pytest.raises(
        psycopg.errors.InvalidParameterValue, match="p_values must hold at most 101"
    ):
        shard.execute(
            "select * from lb._shard_count_before('global', '-infinity', %s::bigint[],"
            " %s::timestamptz[], %s::bigint[])",
            (many, ["-infinity"] * 200, many),
        )
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_radius must be an integer"):
        shard.execute(
            "select * from lb._shard_around('global', '-infinity', 1, '-infinity', 1, 51)"
        )
