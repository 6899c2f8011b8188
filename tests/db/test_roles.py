"""Least privilege: each role can do exactly what its job needs, through functions only."""

from __future__ import annotations

import psycopg
import pytest

# The contract, as the README documents it.
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
        # what the proxy of a sharded deployment calls on the shards as this login
        "_shard_page",
        "_shard_entry",
        "_shard_count_before",
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
        "_shard_page",
        "_shard_entry",
        "_shard_count_before",
        "_shard_around",
        "shard_info",
    },
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
    },
}
TABLES = [
    "lb.users",
    "lb.game_sessions",
    "lb.board_entries",
    "lb.idempotency_keys",
    "lb.board_buckets",
    "lb.feed_epoch",
    "lb.boards",
    "lb.game_modes",
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
