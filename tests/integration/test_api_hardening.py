"""Security headers, CORS, rate limiting and the body limit."""

from __future__ import annotations


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/leaderboard/top", "/api/leaderboard/nope"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_dashboard_has_no_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script src="/static/dashboard.js"' in html
    assert "<script>" not in html
    assert 'onclick="' not in html


def test_cors_allows_get_and_post_only(client):
    preflight = client.options(
        "/api/leaderboard/submit",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] in {"*", "http://localhost:3000"}
    allowed = preflight.headers["Access-Control-Allow-Methods"]
    assert "POST" in allowed
    assert "GET" in allowed
    assert "DELETE" not in allowed
    assert "PUT" not in allowed
    get = client.get("/api/leaderboard/top", headers={"Origin": "http://localhost:3000"})
    assert get.headers["Access-Control-Allow-Origin"] in {"*", "http://localhost:3000"}


def test_rate_limit_answers_429_in_the_envelope(make_app):
    client = make_app(rate_limit="5/minute").test_client()
    statuses = [client.get("/api/leaderboard/rank/abc").status_code for _ in range(7)]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429, 429]
    limited = client.get("/api/leaderboard/top")
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "RATE_LIMITED"
    assert "5 per 1 minute" in limited.json["error"]["message"]
    assert "Retry-After" in limited.headers
    assert client.get("/health").status_code != 429  # only /api/ is limited


def test_rate_limit_off_disables_it(make_app):
    client = make_app(rate_limit="off").test_client()
    assert all(client.get("/api/leaderboard/rank/abc").status_code == 400 for _ in range(150))
