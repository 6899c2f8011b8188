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


def test_the_clear_button_is_offered_only_with_an_admin_token(make_app):
    """Without LEADERBOARD_ADMIN_TOKEN the button could only ever answer 401 (issue 28): the
    page says how to get it instead."""
    with_token = make_app(env="development").test_client().get("/").get_data(as_text=True)
    without = make_app(env="development", admin_tokens=()).test_client().get("/")
    without = without.get_data(as_text=True)
    assert 'id="clear-form"' in with_token
    assert 'id="clear-form"' not in without
    assert "LEADERBOARD_ADMIN_TOKEN" in without


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


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(make_app):
    """Behind a proxy every request comes from the proxy's address: without
    WEB_TRUSTED_PROXIES all clients share one budget, and a forwarded header the client
    wrote itself is never believed."""

    def statuses(client, forwarded: str) -> list[int]:
        headers = {"X-Forwarded-For": forwarded}
        return [
            client.get("/api/leaderboard/rank/abc", headers=headers).status_code for _ in range(3)
        ]

    proxied = make_app(rate_limit="2/minute", web_trusted_proxies=1).test_client()
    assert statuses(proxied, "203.0.113.7") == [400, 400, 429]
    assert statuses(proxied, "203.0.113.8") == [400, 400, 429]  # another client
    # a client's own header in front of what the proxy appended changes nothing
    assert statuses(proxied, "198.51.100.1, 203.0.113.8") == [429] * 3
    direct = make_app(rate_limit="2/minute").test_client()
    assert statuses(direct, "203.0.113.7") == [400, 400, 429]
    assert statuses(direct, "203.0.113.8") == [429] * 3  # the header is not believed


def test_rate_limit_off_disables_it(make_app):
    client = make_app(rate_limit="off").test_client()
    assert all(client.get("/api/leaderboard/rank/abc").status_code == 400 for _ in range(150))
