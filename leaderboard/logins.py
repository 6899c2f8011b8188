"""`leaderboard create-login`: a login role for a deployment, in one of the lb groups.

The lb_* roles are NOLOGIN groups (migration 0007). A login that is a member gets the group's
privileges, but not its settings (ALTER ROLE ... SET applies to the role that logs in), so
the group's statement_timeout and lock_timeout are copied onto the login here. The password
is hashed (SCRAM-SHA-256) by libpq before it is sent, so it never appears in server logs.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import sql

from leaderboard.errors import InvalidArgument

GROUPS = {
    "game_server": "lb_game_server",
    "web": "lb_web",
    "bridge": "lb_bridge",
    # the login a sharded deployment's proxy reaches the shards as (leaderboard.sharding)
    "proxy": "lb_proxy",
    # moderators and operators: server keys, the audit log (and fair play's actions)
    "moderator": "lb_moderator",
}
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# connections one login may hold at once (CONNECTION LIMIT, which the login cannot raise): a
# game-server login took 192 of the server's connections and left the bridge and the web
# app none. Room for a pool per game server, the web app's threads, a bridge's few.
CONNECTION_LIMITS = {"game_server": 50, "web": 100, "bridge": 20, "proxy": 200, "moderator": 10}


def create_login(
    conn: psycopg.Connection,
    name: str,
    role: str,
    password: str | None,
    connection_limit: int | None = None,
) -> list[str]:
    """Create (or update) login `name` in group `role`, with at most `connection_limit`
    connections (default: the role's, CONNECTION_LIMITS); returns the settings copied onto
    it."""
    if not NAME.fullmatch(name):
        raise InvalidArgument(
            f"name must match [a-z_][a-z0-9_]{{0,62}}, got {name!r}", field="name"
        )
    if name.startswith(("lb_", "pg_")):
        raise InvalidArgument(f"name must not start with lb_ or pg_, got {name!r}", field="name")
    if role not in GROUPS:
        raise InvalidArgument(
            f"role must be one of {', '.join(GROUPS)}, got {role!r}", field="role"
        )
    group = GROUPS[role]
    login = sql.Identifier(name)
    with conn.transaction():
        exists = conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create role {} login").format(login))
        if password:
            verifier = conn.pgconn.encrypt_password(
                password.encode(), name.encode(), b"scram-sha-256"
            ).decode()
            conn.execute(sql.SQL("alter role {} password {}").format(login, sql.Literal(verifier)))
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), login))
        limit = CONNECTION_LIMITS[role] if connection_limit is None else connection_limit
        conn.execute(sql.SQL("alter role {} connection limit {}").format(login, sql.Literal(limit)))
        settings = [
            row[0]
            for row in conn.execute(
                "select unnest(setconfig) from pg_db_role_setting"
                " where setrole = %s::regrole and setdatabase = 0",
                (group,),
            )
        ]
        for setting in settings:
            key, _, value = setting.partition("=")
            conn.execute(
                sql.SQL("alter role {} set {} = {}").format(
                    login, sql.Identifier(key), sql.Literal(value)
                )
            )
    return settings
