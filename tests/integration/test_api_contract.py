"""Every endpoint and status of the HTTP contract, against real PostgreSQL and Redis."""

from __future__ import annotations

import json
import re

import pytest

from leaderboard import rules
from tests.support.bridge import KEYS, BridgeThread, settings_for, wait_until
from tests.support.servers import ADMIN_TOKEN, free_port
from tests.support.shards import ProxyConnection

SUBMIT = "/api/leaderboard/submit"
SEED = "/api/leaderboard/seed"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def players(conn, n, prefix="c"):
    return [
        conn.execute("select lb.create_player(%s)", (f"{prefix}{i}",)).fetchone()[0]
        for i in range(n)
    ]


def sessions(conn):
    """Sessions in the database, or on every shard behind a proxy."""
    if isinstance(conn, ProxyConnection):
        return sum(sessions(shard) for shard in conn.shards)
    return conn.execute("select count(*) from lb.game_sessions").fetchone()[0]


# -- submit ----------------------------------------------------------------------------------


def test_submit_defaults_to_classic(api_client, api):
    (p,) = players(api, 1)
    assert api_client.post(SUBMIT, json={"user_id": p, "score": 0}).status_code == 201  # 0 is valid
    assert api.execute("select game_mode from lb.player_sessions(%s)", (p,)).fetchone() == (
        "classic",
    )


def test_idempotent_retry_returns_the_first_response_and_counts_once(api_client, api):
    (p,) = players(api, 1)
    headers = {"Idempotency-Key": "match-77:c0"}
    first = api_client.post(SUBMIT, json={"user_id": p, "score": 40}, headers=headers)
    api_client.post(SUBMIT, json={"user_id": p, "score": 1})
    retry = api_client.post(SUBMIT, json={"user_id": p, "score": 40}, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json
    assert sessions(api) == 2


def test_same_idempotency_key_with_another_body_is_422(api_client, api):
    (p,) = players(api, 1)
    headers = {"Idempotency-Key": "k-1"}
    api_client.post(SUBMIT, json={"user_id": p, "score": 40}, headers=headers)
    response = api_client.post(SUBMIT, json={"user_id": p, "score": 41}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert sessions(api) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_bad_idempotency_key_is_400(api_client, api, key):
    (p,) = players(api, 1)
    response = api_client.post(
        SUBMIT, json={"user_id": p, "score": 1}, headers={"Idempotency-Key": key}
    )
    assert response.status_code == 400
    assert response.json["error"]["field"] == "Idempotency-Key"
    assert sessions(api) == 0


def test_submit_for_an_unknown_player_is_404(api_client, api):
    response = api_client.post(SUBMIT, json={"user_id": 424242, "score": 1})
    assert response.status_code == 404
    assert response.json == {
        "success": False,
        "error": {
            "code": "NOT_FOUND",
            "message": "player 424242 does not exist",
            "field": "user_id",
        },
    }
    assert sessions(api) == 0


def test_a_total_past_2_pow_53_is_422(client, conn):
    (p,) = players(conn, 1)
    client.post(SUBMIT, json={"user_id": p, "score": 1})
    conn.execute("update lb.board_entries set value = 9007199254740991 where user_id = %s", (p,))
    response = client.post(SUBMIT, json={"user_id": p, "score": 1})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "TOTAL_OUT_OF_RANGE"
    assert sessions(conn) == 1


def test_writes_get_503_when_postgres_is_unreachable(make_app, redis_url):
    app = make_app(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/none")
    response = app.test_client().post(SUBMIT, json={"user_id": 1, "score": 1})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "database is unavailable" in response.json["error"]["message"]


# -- reads -----------------------------------------------------------------------------------


def test_top_from_postgres_is_not_cached(api_client, api):
    a, b, c = players(api, 3)
    for p, s in ((a, 10), (b, 10), (c, 5)):
        api_client.post(SUBMIT, json={"user_id": p, "score": s})
    body = api_client.get("/api/leaderboard/top").json
    assert body["cached"] is False
    assert body["source"] == "postgres"
    assert body["as_of"].endswith("Z")
    # ties list by user id (on shards, ids need not follow creation order)
    first, second = sorted((a, b))
    assert [(r["rank"], r["user_id"]) for r in body["data"]] == [(1, first), (1, second), (3, c)]


def test_top_is_cached_only_when_served_from_the_cache(
    client, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(40, 200)")
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(lambda: redis_client.get(KEYS.top10("global")), message="the cache")
        cached = client.get("/api/leaderboard/top").json
        page = client.get("/api/leaderboard/top?limit=5&offset=5").json
    built_at = json.loads(redis_client.get(KEYS.top10("global")))["built_at"]
    assert cached["cached"] is True
    assert cached["source"] == "redis"
    assert cached["as_of"] <= built_at  # when the data was computed, not when it was served
    assert cached["next_refresh_at"] > cached["as_of"]
    assert page["cached"] is False
    assert page["source"] == "redis"
    sql = conn.execute("select rank, user_id from lb.top_players(5, 5)").fetchall()
    assert [(r["rank"], r["user_id"]) for r in page["data"]] == sql


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=abc", "offset=-1", "limit=1.5", "offset=1e3", "limit="]
)
def test_top_rejects_out_of_range_paging(client, query):
    response = client.get(f"/api/leaderboard/top?{query}")
    assert response.status_code == 400
    assert response.json["error"]["field"] in {"limit", "offset"}


def test_rank_of_a_player_without_scores_is_null_with_total_0(api_client, api):
    (p,) = players(api, 1)
    body = api_client.get(f"/api/leaderboard/rank/{p}").json
    assert body["data"] == {"user_id": p, "username": "c0", "total_score": 0, "rank": None}


@pytest.mark.parametrize(
    "raw", ["42abc", "0", "-1", "1.5", "abc", "1e3", "0x10", "99999999999999999999", "%20", "４２"]
)
def test_rank_rejects_a_bad_id_with_400(client, raw):
    response = client.get(f"/api/leaderboard/rank/{raw}")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "VALIDATION_ERROR"
    assert response.json["error"]["field"] == "user_id"


def test_around_returns_the_window_with_ranks(api_client, api):
    ps = players(api, 5)
    for p, s in zip(ps, (50, 40, 40, 30, 20), strict=True):
        api_client.post(SUBMIT, json={"user_id": p, "score": s})
    body = api_client.get(f"/api/leaderboard/around/{ps[2]}?radius=1").json
    assert body["user_id"] == ps[2]
    # the 40s tie, listed by user id: ps[2]'s neighbours depend on which id is smaller
    tied = sorted((ps[1], ps[2]))
    window = [(1, ps[0]), (2, tied[0]), (2, tied[1]), (4, ps[3]), (5, ps[4])]
    at = [u for _, u in window].index(ps[2])
    assert [(r["rank"], r["user_id"]) for r in body["data"]] == window[at - 1 : at + 2]
    assert api_client.get(f"/api/leaderboard/around/{ps[2]}?radius=51").status_code == 400
    assert api_client.get("/api/leaderboard/around/777777").status_code == 404


def test_sessions_lists_a_players_games_newest_first(api_client, api):
    (p,) = players(api, 1)
    for s in (1, 2, 3):
        api_client.post(SUBMIT, json={"user_id": p, "score": s, "game_mode": "casual"})
    body = api_client.get(f"/api/leaderboard/sessions/{p}?limit=2").json
    assert [r["score"] for r in body["data"]] == [3, 2]
    assert api_client.get("/api/leaderboard/sessions/777777").status_code == 404


# -- seed ------------------------------------------------------------------------------------


def test_seed_needs_the_admin_token_in_production(client, conn):
    missing = client.post(SEED, json={"user_count": 5})
    wrong = client.post(SEED, json={"user_count": 5}, headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert conn.execute("select count(*) from lb.users").fetchone() == (0,)
    ok = client.post(SEED, json={"user_count": 5, "sessions_per_user": 2}, headers=AUTH)
    assert ok.status_code == 200
    assert ok.json["data"]["users_created"] == 5
    assert ok.json["data"]["sessions_created"] == 10
    assert ok.json["data"]["cleared"] is False
    assert ok.json["data"]["elapsed_seconds"] >= 0


def test_seed_without_a_configured_token_is_403(make_app, conn):
    client = make_app(admin_tokens=()).test_client()
    response = client.post(SEED, json={"user_count": 5}, headers=AUTH)
    assert response.status_code == 403
    assert "LEADERBOARD_ADMIN_TOKEN" in response.json["error"]["message"]


def test_development_mode_seeds_without_a_token_but_never_wipes_without_one(make_app, conn):
    client = make_app(env="development").test_client()
    assert client.post(SEED, json={"user_count": 5}).status_code == 200
    wipe = client.post(SEED, json={"user_count": 5, "clear_existing": True})
    assert wipe.status_code == 401
    assert conn.execute("select count(*) from lb.users").fetchone() == (5,)
    wipe = client.post(SEED, json={"user_count": 3, "clear_existing": True}, headers=AUTH)
    assert wipe.status_code == 200
    assert wipe.json["data"]["cleared"] is True
    assert conn.execute("select count(*) from lb.users").fetchone() == (3,)


@pytest.mark.parametrize(
    "body",
    [
        {"user_count": 10001},
        {"user_count": 0},
        {"sessions_per_user": 51},
        {"clear_existing": "yes"},
        {"user_count": 5, "extra": 1},
    ],
)
def test_seed_validates_its_body(client, conn, body):
    response = client.post(SEED, json=body, headers=AUTH)
    assert response.status_code == 400
    assert conn.execute("select count(*) from lb.users").fetchone() == (0,)


# -- health, metrics, openapi, errors --------------------------------------------------------


def test_health_is_503_naming_what_is_down(client):
    response = client.get("/health")  # no bridge running
    assert response.status_code == 503
    assert response.json["status"] == "degraded"
    assert response.json["down"] == ["bridge"]
    assert response.json["mode"] == "bridge_down"


def test_health_names_redis_when_it_is_unreachable(make_app):
    client = make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0").test_client()
    body = client.get("/health").json
    assert body["checks"]["redis"] is False
    assert "redis" in body["down"]


def test_metrics_are_prometheus_text(client, conn, database_url, redis_url):
    with BridgeThread(settings_for(database_url, redis_url)):
        client.get("/api/leaderboard/top")
        text = wait_until(
            lambda: (
                (t := client.get("/metrics").get_data(as_text=True))
                and "leaderboard_bridge_lag_seconds_bucket" in t
                and t
            ),
            message="bridge metrics",
        )
    assert (
        'leaderboard_http_request_duration_seconds_count{endpoint="/api/leaderboard/top",'
        'method="GET",status="200"}' in text
    )
    assert "leaderboard_http_request_duration_seconds_bucket" in text
    assert "leaderboard_bridges_up 1.0" in text
    assert "leaderboard_top10_cache_age_seconds" in text


def test_openapi_describes_every_endpoint(client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {
        "/api/leaderboard/submit",
        "/api/leaderboard/top",
        "/api/leaderboard/rank/{user_id}",
        "/api/leaderboard/around/{user_id}",
        "/api/leaderboard/sessions/{user_id}",
        "/api/leaderboard/seed",
        "/api/leaderboard/stream",
        "/health",
        "/metrics",
        "/api/boards",
        "/api/boards/{board}",
        "/api/boards/{board}/top",
        "/api/boards/{board}/rank/{user_id}",
        "/api/boards/{board}/around/{user_id}",
        "/api/boards/{board}/stream",
        "/api/admin/rules",
        "/api/admin/rules/{rule_id}",
        "/api/admin/held",
        "/api/admin/held/{session_id}/approve",
        "/api/admin/held/{session_id}/reject",
        "/api/admin/players/{user_id}/sessions",
        "/api/admin/audit",
    }
    assert doc["paths"]["/api/boards/{board}"].keys() == {"get", "patch", "delete"}
    assert "SubmitRequest" in doc["components"]["schemas"]
    assert "BoardCreate" in doc["components"]["schemas"]


def test_openapi_matches_the_routes_the_server_has(make_app):
    """The document cannot drift from the server: every API route, with every method it
    answers, is described, and nothing else; the bounds of its query parameters are the ones
    the handlers enforce (leaderboard.rules through web.validation)."""
    app = make_app()
    doc = app.test_client().get("/api/openapi.json").json
    undocumented = {"/", "/moderation", "/livez", "/api/openapi.json", "/static/<path:filename>"}
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule in undocumented:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    documented = {path: set(ops) - {"parameters"} for path, ops in doc["paths"].items()}
    assert documented == routes
    bounds = {"limit": (1, rules.MAX_PAGE), "radius": (0, rules.MAX_RADIUS)}
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in bounds:
                    schema = parameter["schema"]
                    assert (schema["minimum"], schema["maximum"]) == bounds[parameter["name"]], path
    submit = doc["components"]["schemas"]["SubmitRequest"]["properties"]["score"]
    assert submit["maximum"] == rules.MAX_SCORE


def test_unknown_routes_and_methods_answer_in_the_envelope(client):
    missing = client.get("/api/leaderboard/nope")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "ROUTE_NOT_FOUND"
    wrong = client.get(SUBMIT)
    assert wrong.status_code == 405
    assert wrong.json["success"] is False


def test_two_tokens_work_during_a_rotation(make_app):
    old, new = "old-token-aaaaaaaaaaaa", "new-token-bbbbbbbbbbbb"
    client = make_app(admin_tokens=(new, old)).test_client()
    for token in (old, new):
        response = client.post(
            SEED, json={"user_count": 1}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
    assert (
        client.post(
            SEED, json={"user_count": 1}, headers={"Authorization": "Bearer retired-token-cccccc"}
        ).status_code
        == 401
    )


def test_admin_tokens_are_never_logged_or_echoed(client, caplog):
    caplog.set_level("DEBUG")
    wrong = "Bearer not-the-token-but-secret-looking"
    response = client.post(SEED, json={"user_count": 2}, headers={"Authorization": wrong})
    client.post(SEED, json={"user_count": 2}, headers=AUTH)
    assert "not-the-token" not in response.get_data(as_text=True)
    assert ADMIN_TOKEN not in caplog.text
    assert "not-the-token" not in caplog.text
