"""Least privilege: each role can do exactly what its job needs, through functions only."""

from __future__ import annotations

import contextlib
import re
import threading
import time

import psycopg
import pytest

from leaderboard import DB_DIR, migrate
from tests.support.servers import PG, url_as, url_for

# The contract, as the README documents it.
# the held queue and its rules: moderators, and the web app's admin endpoints (/api/admin)
MODERATION = {
    "create_rule",
    "update_rule",
    "delete_rule",
    "list_rules",
    "held_sessions",
    "approve_session",
    "reject_session",
}
GRANTS = {
    "lb_game_server": {
        "create_player",
        "submit_score",
        "player_rank",
        "top_players",
        "boards",
        "board_periods",
        "session_boards",
        "limits",
        "shard_info",
    },
    "lb_web": {
        "submit_score",
        "player_rank",
        "top_players",
        "players_around",
        "player_sessions",
        "player_names",
        "seed",
        "clear_all",
        "schema_migrations",
        "boards",
        "board_periods",
        "create_board",
        "update_board",
        "delete_board",
        "recompute_board",
        "session_boards",
        "session_entries",
        "verify_board",
        "repair_board",
        "repair_histogram",
        "read_entries",
        "limits",
        "shard_info",
        "shard_status",
        "authenticate_key",
        "audit_entries",
        "session_log",
    }
    | MODERATION,
    "lb_moderator": {
        "create_key",
        "rotate_key",
        "revoke_key",
        "list_keys",
        "audit_entries",
        "session_log",
    }
    | MODERATION,
    "lb_bridge": {
        "poll_changes",
        "feed_position",
        "read_changes",
        "claim_feed",
        "release_feed",
        "schema_migrations",
        "feed_boards",
        "prune_periods",
        "read_board",
        "board_entry_periods",
        "verify_board",
        "read_entries",
        "limits",
        "shard_info",
        "enforce_limits",
    },
}
# the login a sharded deployment's proxy reaches the shards as: whatever the proxy forwards
# (it is in lb_game_server, lb_web and lb_moderator), and alone the helpers of its merges
GRANTS["lb_proxy"] = (
    GRANTS["lb_game_server"]
    | GRANTS["lb_web"]
    | GRANTS["lb_moderator"]
    | {
        "_shard_page",
        "_shard_entry",
        "_shard_count_before",
        "_shard_around",
        "has_players",
    }
)
TABLES = [
    "lb.users",
    "lb.game_sessions",
    "lb.board_entries",
    "lb.idempotency_keys",
    "lb.board_buckets",
    "lb.feed_epoch",
    "lb.boards",
    "lb.game_modes",
    "lb.server_keys",
    "lb.audit_log",
    "lb.rules",
]


def executable_by(conn, role):
    return {
        name
        for (name,) in conn.execute(
            "select p.proname from pg_proc p where p.pronamespace = 'lb'::regnamespace"
            " and has_function_privilege(%s, p.oid, 'execute')",
            (role,),
        )
    }


def test_each_group_can_execute_exactly_its_functions(conn):
    for role, functions in GRANTS.items():
        assert executable_by(conn, role) == functions, role


def test_no_function_is_executable_by_public(conn):
    public = conn.execute(
        "select p.oid::regprocedure::text from pg_proc p, aclexplode(coalesce(p.proacl,"
        " acldefault('f', p.proowner))) a where p.pronamespace = 'lb'::regnamespace"
        " and a.grantee = 0"
    ).fetchall()
    assert public == []


def test_no_group_has_any_table_privilege(conn):
    for role in [*GRANTS, "lb_owner"]:
        for table in TABLES:
            for privilege in ("select", "insert", "update", "delete", "truncate"):
                allowed = conn.execute(
                    "select has_table_privilege(%s, %s, %s)", (role, table, privilege)
                ).fetchone()[0]
                assert allowed == (role == "lb_owner"), (role, table, privilege)


def test_public_functions_are_security_definer_with_a_pinned_search_path(conn):
    rows = conn.execute(
        "select p.proname, p.prosecdef, p.proconfig from pg_proc p"
        " where p.pronamespace = 'lb'::regnamespace and p.proname !~ '^_'"
    ).fetchall()
    assert rows
    for name, definer, config in rows:
        assert definer, name
        assert "search_path=pg_catalog, pg_temp" in (config or []), name


def test_lb_owner_owns_every_object_in_lb(conn):
    foreign = conn.execute(
        "select c.oid::regclass::text from pg_class c where c.relnamespace = 'lb'::regnamespace"
        " and pg_get_userbyid(c.relowner) <> 'lb_owner'"
        " union all select p.oid::regprocedure::text from pg_proc p"
        " where p.pronamespace = 'lb'::regnamespace and pg_get_userbyid(p.proowner) <> 'lb_owner'"
        " union all select 'schema lb' from pg_namespace n where n.nspname = 'lb'"
        " and pg_get_userbyid(n.nspowner) <> 'lb_owner'"
    ).fetchall()
    assert foreign == []


def test_the_groups_are_nologin_with_timeouts(conn):
    rows = {
        name: (can_login, settings)
        for name, can_login, settings in conn.execute(
            "select r.rolname, r.rolcanlogin, s.setconfig from pg_roles r"
            " left join pg_db_role_setting s on s.setrole = r.oid and s.setdatabase = 0"
            " where r.rolname like 'lb\\_%'"
        )
    }
    for role in GRANTS:
        can_login, settings = rows[role]
        assert can_login is False
        assert any(s.startswith("statement_timeout=") for s in settings), role
        assert any(s.startswith("lock_timeout=") for s in settings), role
    assert rows["lb_owner"][0] is False


def denied(connection, query, params=()):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(query, params)


def test_a_game_server_plays_through_functions_and_cannot_touch_tables(connect_as):
    game = connect_as("lb_game_server")
    assert game.execute("show statement_timeout").fetchone() == ("5s",)
    player = game.execute("select lb.create_player('from_game_server')").fetchone()[0]
    assert game.execute(
        "select total_score from lb.submit_score(%s, 10)", (player,)
    ).fetchone() == (10,)
    assert game.execute("select rank from lb.player_rank(%s)", (player,)).fetchone() == (1,)
    assert game.execute("select user_id from lb.top_players(1)").fetchone() == (player,)
    denied(game, "update lb.board_entries set value = 999999999")
    denied(game, "select * from lb.users")
    denied(game, "select * from lb.board_entries")
    denied(game, "select * from lb.create_board('from_game_server')")
    denied(game, "select lb.delete_board('global')")
    denied(game, "select lb.recompute_board('global')")
    denied(
        game, "insert into lb.game_sessions (user_id, score, game_mode) values (1, 1, 'classic')"
    )
    denied(game, "select * from lb.seed(1, 1)")
    denied(game, "select lb.clear_all()")
    denied(game, "select * from lb.read_changes(null)")
    denied(game, "select lb._bump_epoch()")
    denied(game, "select * from lb.players_around(1)")


def test_the_web_role_serves_the_api_and_nothing_more(connect_as, conn):
    player = conn.execute("select lb.create_player('for_web')").fetchone()[0]
    web = connect_as("lb_web")
    web.execute("select * from lb.submit_score(%s, 3)", (player,))
    web.execute("select * from lb.players_around(%s)", (player,))
    web.execute("select * from lb.seed(2, 2)")
    web.execute("select lb.clear_all()")  # the wipe is a function, not a table privilege
    denied(web, "select lb.create_player('web_cannot')")
    denied(web, "truncate lb.users cascade")
    denied(web, "delete from lb.game_sessions")
    denied(web, "select * from lb.game_sessions")
    denied(web, "select * from lb.read_changes(null)")
    denied(web, "select lb.claim_feed()")


def test_the_bridge_role_reads_the_change_record_and_nothing_else(connect_as, conn):
    player = conn.execute("select lb.create_player('for_bridge')").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 4)", (player,))
    bridge = connect_as("lb_bridge")
    assert bridge.execute("select user_id, value from lb.read_changes(null)").fetchall() == [
        (player, 4)
    ]
    bridge.execute("select * from lb.feed_position()")
    assert bridge.execute("select lb.claim_feed()").fetchone() == (True,)
    bridge.execute("select lb.release_feed()")
    denied(bridge, "select * from lb.submit_score(%s, 1)", (player,))
    denied(bridge, "select * from lb.board_entries")
    denied(bridge, "select * from lb.create_board('from_bridge')")
    denied(bridge, "select * from lb.player_rank(%s)", (player,))
    denied(bridge, "select lb.clear_all()")


def test_a_login_in_no_group_can_do_nothing(connect_as):
    nobody = connect_as("none")
    denied(nobody, "select * from lb.top_players()")
    denied(nobody, "select * from lb.users")
    denied(nobody, "select lb.create_player('nobody')")


def test_a_login_cannot_lift_its_time_limits(connect_as, conn):
    """Issue 27: `set statement_timeout = 0` let a game-server login hold a connection as
    long as it liked. lb.enforce_limits (every bridge runs it every 2 s) cancels a statement
    past the group's statement_timeout and ends a session idle in a transaction past its
    idle_in_transaction_session_timeout, whatever the session set for itself. (The group's
    limits are lowered to a second here, so the test takes seconds, and restored.)"""
    game = connect_as("lb_game_server")
    assert game.execute("show statement_timeout").fetchone() == ("5s",)
    assert game.execute("show idle_in_transaction_session_timeout").fetchone() == ("10s",)
    game.execute("set statement_timeout = 0")
    idle = connect_as("lb_game_server")
    idle.execute("set idle_in_transaction_session_timeout = 0")
    stubborn = connect_as("lb_game_server")
    stubborn_pid = stubborn.info.backend_pid
    conn.execute("alter role lb_game_server set statement_timeout = '1s'")
    conn.execute("alter role lb_game_server set idle_in_transaction_session_timeout = '1s'")
    try:
        done: list[object] = []

        def sleep() -> None:
            try:
                game.execute("select pg_sleep(30)")
                done.append("finished")
            except psycopg.Error as exc:
                done.append(exc)

        def catch_every_cancel() -> None:  # survives a cancel: ended at twice the limit
            with contextlib.suppress(psycopg.Error):
                stubborn.execute(
                    "do $$ begin loop begin perform pg_sleep(10); exception when"
                    " query_canceled then null; end; end loop; end $$"
                )

        sleeper = threading.Thread(target=sleep)
        sleeper.start()
        looper = threading.Thread(target=catch_every_cancel)
        looper.start()
        idle.execute("begin")
        idle.execute("select 1")
        acted: list[tuple] = []
        deadline = time.monotonic() + 15
        while len({a for _, _, a in acted}) < 3 and time.monotonic() < deadline:
            acted += conn.execute("select pid, login, action from lb.enforce_limits()").fetchall()
            time.sleep(0.3)
        sleeper.join(timeout=10)
        looper.join(timeout=10)
    finally:
        conn.execute("alter role lb_game_server set statement_timeout = '5s'")
        conn.execute("alter role lb_game_server set idle_in_transaction_session_timeout = '10s'")
    assert {(login, action) for _, login, action in acted} == {
        ("test_game_server", "cancelled"),
        ("test_game_server", "terminated"),
    }
    assert (stubborn_pid, "test_game_server", "terminated") in acted
    assert isinstance(done[0], psycopg.errors.QueryCanceled)
    for ended in (idle, stubborn):
        with pytest.raises(psycopg.OperationalError):
            ended.execute("select 1")


def test_the_shard_helpers_are_for_the_proxy_alone(connect_as):
    for group in ("lb_game_server", "lb_web"):
        login = connect_as(group)
        denied(login, "select count(*) from lb._shard_page(100, 2000000000, 'global', null)")


def test_the_proxy_login_may_call_every_function_the_proxy_forwards():
    """Every lb.* function a db/proxy function runs on the shards is executable by lb_proxy
    (the shards see the proxy's calls as its login, not the caller's)."""
    forwarded = set()
    for path in (DB_DIR / "proxy" / "functions").glob("*.sql"):
        forwarded |= set(re.findall(r"(?:target|from) lb\.([a-z_]+)", path.read_text()))
    assert forwarded
    assert forwarded <= GRANTS["lb_proxy"], forwarded - GRANTS["lb_proxy"]


def test_a_game_server_cannot_hold_postgresqls_own_locks_notify_or_make_temp_tables(logins):
    """A game-server login held the bridge's feed lock and an idempotency key's lock, flooded
    the bridge with fake notifications and filled the disk with a temporary table; PUBLIC
    may do none of these in a migrated database now (the lb functions still do). A database
    of its own, migrated directly: a clone (the other tests') does not copy the database's
    own grants."""
    name = "lockdown_scratch"
    with psycopg.connect(PG.url("postgres"), autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
    url = url_for("127.0.0.1", PG.port, "postgres", name)
    try:
        migrate.migrate(url)
        with psycopg.connect(url_as(url, logins["lb_game_server"]), autocommit=True) as game:
            for attempt in (
                "select pg_advisory_lock(7810599710500001)",
                "select pg_try_advisory_lock(hashtextextended('match-777:42', 0))",
                "select pg_advisory_xact_lock(1)",
                "select pg_notify('lb_changes_v1', 'x')",
                "create temporary table t (x int)",
            ):
                denied(game, attempt)
            player = game.execute("select lb.create_player('still_plays')").fetchone()[0]
            assert game.execute(
                "select total_score from lb.submit_score(%s, 5, 'classic', 'k-1')", (player,)
            ).fetchone() == (5,)
    finally:
        with psycopg.connect(PG.url("postgres"), autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")


def test_logins_get_a_connection_limit_they_cannot_raise(conn, logins):
    limits = dict(
        conn.execute(
            "select rolname, rolconnlimit from pg_roles where rolname = any(%s)",
            (list(logins.values()),),
        ).fetchall()
    )
    assert limits["test_game_server"] == 50
    assert limits["test_web"] == 100
    assert limits["test_bridge"] == 20
