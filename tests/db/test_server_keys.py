"""Server keys (lb.create_key and the functions around it), who wrote each session, and the
audit log's append-only rule: one node and the sharded topology alike."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from tests.support.db import assert_rejected, db_state
from tests.support.shards import ProxyConnection


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def keys_table(api) -> psycopg.Connection:
    """Where the keys are kept: the node, or shard 0 behind a proxy."""
    return api.shards[0] if isinstance(api, ProxyConnection) else api


def test_a_key_is_shown_once_and_only_its_hash_is_kept(api):
    name, secret, modes, _created = api.execute(
        "select * from lb.create_key('arena-eu-1', array['ranked', 'classic', 'ranked'])"
    ).fetchone()
    assert (name, modes) == ("arena-eu-1", ["classic", "ranked"])
    assert secret.startswith("lbk_")
    assert len(secret) == 68
    stored = keys_table(api).execute("select s::text from lb.server_keys as s").fetchone()[0]
    assert secret not in stored
    assert secret[4:] not in stored
    assert keys_table(api).execute("select key_hash from lb.server_keys").fetchone()[0] == digest(
        secret
    )
    listed = api.execute("select * from lb.list_keys()").fetchall()
    assert [row[0] for row in listed] == ["arena-eu-1"]
    assert all(secret not in str(value) for value in listed[0])


def test_authenticate_names_the_writer_checks_the_scope_and_marks_last_use(api):
    secret = api.execute("select secret from lb.create_key('eu', array['ranked'])").fetchone()[0]
    assert api.execute("select last_used_at from lb.list_keys()").fetchone()[0] is None
    writer = api.execute(
        "select writer from lb.authenticate_key(%s, 'ranked')", (digest(secret),)
    ).fetchone()
    assert writer == ("key:eu",)
    assert api.execute("select last_used_at from lb.list_keys()").fetchone()[0] is not None
    assert_rejected(
        api,
        "LB011",
        "key 'eu' may submit only game modes ranked, not 'classic'",
        "select * from lb.authenticate_key(%s, 'classic')",
        (digest(secret),),
    )
    assert_rejected(
        api,
        "LB011",
        "may submit only game modes ranked",
        "select * from lb.authenticate_key(%s, null)",
        (digest(secret),),
    )
    for wrong in (digest("lbk_" + "0" * 64), b"", None):
        assert_rejected(
            api,
            "LB010",
            "the server key is not valid",
            "select * from lb.authenticate_key(%s, 'ranked')",
            (wrong,),
        )


def test_revoked_keys_are_refused_at_once_and_revoking_again_changes_nothing(api):
    secret = api.execute("select secret from lb.create_key('eu')").fetchone()[0]
    first = api.execute("select * from lb.revoke_key('eu')").fetchone()
    assert first[0] == "eu"
    assert first[1] is not None
    assert api.execute("select * from lb.revoke_key('eu')").fetchone() == first
    assert_rejected(
        api,
        "LB010",
        "not valid",
        "select * from lb.authenticate_key(%s, 'classic')",
        (digest(secret),),
    )
    assert_rejected(api, "P0002", "key 'eu' is revoked", "select * from lb.rotate_key('eu')")
    assert_rejected(api, "23505", "key 'eu' already exists", "select * from lb.create_key('eu')")
    assert api.execute("select key_name, revoked_at from lb.list_keys()").fetchall() == [first]


def test_rotation_keeps_the_old_secret_only_for_its_grace(api):
    old = api.execute("select secret from lb.create_key('eu')").fetchone()[0]
    _name, new, until = api.execute("select * from lb.rotate_key('eu', '1 hour')").fetchone()
    assert new != old
    assert until is not None
    for secret in (old, new):
        assert api.execute(
            "select writer from lb.authenticate_key(%s, 'classic')", (digest(secret),)
        ).fetchone() == ("key:eu",)
    newest = api.execute("select secret from lb.rotate_key('eu')").fetchone()[0]
    for secret in (old, new):
        assert_rejected(
            api,
            "LB010",
            "not valid",
            "select * from lb.authenticate_key(%s, 'classic')",
            (digest(secret),),
        )
    assert api.execute(
        "select writer from lb.authenticate_key(%s, 'classic')", (digest(newest),)
    ).fetchone() == ("key:eu",)


@pytest.mark.parametrize(
    ("query", "sqlstate", "fragment"),
    [
        ("select * from lb.create_key(null)", "22023", "p_key_name must be 1 to 63"),
        ("select * from lb.create_key('Has Space')", "22023", "p_key_name must be 1 to 63"),
        ("select * from lb.create_key('-x')", "22023", "p_key_name must be 1 to 63"),
        ("select * from lb.create_key(repeat('a', 64))", "22023", "p_key_name must be 1 to 63"),
        ("select * from lb.create_key('eu', '{}')", "22023", "p_game_modes must name at least"),
        ("select * from lb.create_key('eu', array['chess'])", "22023", "p_game_mode must be one"),
        ("select * from lb.rotate_key('nobody')", "P0002", "key 'nobody' does not exist"),
        ("select * from lb.rotate_key('eu', '8 days')", "22023", "p_grace must be from 0 to 7"),
        ("select * from lb.rotate_key('eu', '-1 s')", "22023", "p_grace must be from 0 to 7"),
        ("select * from lb.revoke_key('nobody')", "P0002", "key 'nobody' does not exist"),
        ("select * from lb.audit_entries(p_limit => 0)", "22023", "p_limit must be from 1"),
    ],
)
def test_bad_key_input_is_refused_with_its_argument_named_and_changes_nothing(
    api, query, sqlstate, fragment
):
    if "rotate_key('eu'" in query:
        api.execute("select lb.create_key('eu')")
    error = assert_rejected(api, sqlstate, fragment, query)
    if sqlstate == "22023":
        assert error.diag.column_name is not None


def test_every_key_change_is_in_the_audit_log_with_who_did_it(api):
    api.execute("select lb.create_key('eu', array['ranked'])")
    api.execute("select lb.rotate_key('eu', '10 minutes')")
    api.execute("select lb.revoke_key('eu')")
    api.execute("select lb.revoke_key('eu')")  # nothing changed: nothing recorded
    rows = api.execute("select actor, action, subject, details from lb.audit_entries()").fetchall()
    assert [r[1] for r in rows] == ["key_revoked", "key_rotated", "key_created"]
    assert {r[0] for r in rows} == {"login:postgres"}
    assert {r[2] for r in rows} == {"key:eu"}
    assert rows[2][3] == {"after": {"game_modes": ["ranked"]}}
    rotations = "select count(*) from lb.audit_entries(p_action => 'key_rotated')"
    assert api.execute(rotations).fetchone() == (1,)
    page = api.execute("select audit_id from lb.audit_entries(p_limit => 2)").fetchall()
    rest = api.execute(
        "select audit_id from lb.audit_entries(p_limit => 2, p_before => %s)", (page[-1][0],)
    ).fetchall()
    assert len(page) == 2
    assert len(rest) == 1
    assert rest[0][0] < page[-1][0]


def test_the_audit_log_refuses_every_change_from_every_role(conn):
    conn.execute("select lb.create_key('eu')")
    for statement in (
        "update lb.audit_log set reason = 'x'",
        "delete from lb.audit_log",
        "truncate lb.audit_log",
    ):
        for role in ("postgres", "lb_owner"):  # the superuser, and the tables' owner
            with pytest.raises(psycopg.Error) as caught, conn.transaction():
                conn.execute(f"set local role {role}; {statement}")
            assert caught.value.sqlstate == "LB012", statement
            assert "append-only" in caught.value.diag.message_primary
    assert conn.execute("select count(*) from lb.audit_log").fetchone()[0] == 1


def test_sessions_record_who_wrote_them(api, connect_as, conn):
    user = api.execute("select lb.create_player('alice')").fetchone()[0]
    api.execute("select lb.submit_score(%s, 10)", (user,))
    # a trusted caller (the web app) says which key it checked; anyone else is their login
    api.execute("select lb.submit_score(%s, 20, 'classic', null, 'key:arena-eu-1')", (user,))
    sessions = api.shards if isinstance(api, ProxyConnection) else [api]
    written = sorted(
        row
        for shard in sessions
        for row in shard.execute("select score, written_by from lb.game_sessions").fetchall()
    )
    assert written == [(10, "login:postgres"), (20, "key:arena-eu-1")]
    # what a moderator reads (lb_moderator), newest first, paged
    log = api.execute("select score, written_by from lb.session_log(%s, 1)", (user,)).fetchall()
    assert log == [(20, "key:arena-eu-1")]
    last = api.execute("select max(session_id) from lb.session_log(%s)", (user,)).fetchone()[0]
    assert api.execute("select score from lb.session_log(%s, 5, %s)", (user, last)).fetchall() == [
        (10,)
    ]
    assert_rejected(
        api, "P0002", "player 999999 does not exist", "select * from lb.session_log(999999)"
    )
    if isinstance(api, ProxyConnection):
        return
    game = connect_as("lb_game_server")
    game.execute("select lb.submit_score(%s, 30, 'classic', null, 'key:someone-else')", (user,))
    assert conn.execute("select written_by from lb.game_sessions where score = 30").fetchone() == (
        "login:test_game_server",
    )
    web = connect_as("lb_web")
    assert_rejected(
        web,
        "22023",
        "p_actor must be key:<name>",
        "select lb.submit_score(%s, 40, 'classic', null, 'key:bad name')",
        (user,),
        observer=conn,
    )


def test_only_moderators_manage_keys_and_only_the_web_app_checks_them(connect_as, conn):
    moderator = connect_as("lb_moderator")
    secret = moderator.execute("select secret from lb.create_key('eu')").fetchone()[0]
    assert conn.execute("select created_by from lb.server_keys").fetchone() == (
        "login:test_moderator",
    )
    for group in ("lb_game_server", "lb_bridge", "lb_web", "none"):
        other = connect_as(group)
        before = db_state(conn)
        for query in ("select lb.create_key('x')", "select lb.revoke_key('eu')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                other.execute(query)
        assert db_state(conn) == before
    web = connect_as("lb_web")
    assert web.execute(
        "select writer from lb.authenticate_key(%s, 'classic')", (digest(secret),)
    ).fetchone() == ("key:eu",)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connect_as("lb_game_server").execute(
            "select lb.authenticate_key(%s, 'classic')", (digest(secret),)
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        moderator.execute("select * from lb.server_keys as k")  # the table itself


def test_on_the_proxy_only_its_wrappers_say_who_is_acting(sharded):
    """The shards believe the actor the proxy passes (its login is in lb_web): a caller on
    the proxy must not reach the lb_proxy.* functions that carry it, only the lb.* wrappers,
    which run as their owner and name the caller's own login."""
    with psycopg.connect(sharded.proxy_url, autocommit=True) as proxy:
        for name, args in (
            ("submit_score", "bigint, integer, text, text, text"),
            ("create_key", "text, text[], text"),
            ("rotate_key", "text, interval, text"),
            ("revoke_key", "text, text"),
        ):
            for group in ("lb_game_server", "lb_web", "lb_moderator"):
                allowed = proxy.execute(
                    "select has_function_privilege(%s, %s, 'execute')",
                    (group, f"lb_proxy.{name}({args})"),
                ).fetchone()[0]
                assert allowed is False, (group, name)
            definer = proxy.execute(
                "select p.prosecdef, p.proconfig from pg_proc as p where p.oid = %s::regproc",
                (f"lb.{name}",),
            ).fetchone()
            assert definer == (True, ["search_path=pg_catalog, pg_temp"]), name


def test_a_new_writers_first_submit_holds_up_no_other(conn, connect):
    """Who wrote a session is text on the session: registering a writer in a table inside
    the submit made a login's second submit wait for its first one's commit."""
    a, b = (conn.execute("select lb.create_player(%s)", (n,)).fetchone()[0] for n in "ab")
    early = connect(autocommit=False)
    early.execute("select lb.submit_score(%s, 1)", (a,))  # not committed
    other = connect()
    other.execute("set lock_timeout = '2s'")
    other.execute("select lb.submit_score(%s, 2)", (b,))  # same login: must not wait
    early.commit()
    assert conn.execute(
        "select count(*) from lb.game_sessions where written_by = 'login:postgres'"
    ).fetchone() == (2,)
