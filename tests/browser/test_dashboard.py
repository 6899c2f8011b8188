"""The dashboard in headless Chromium, served by `leaderboard web` (granian) with a bridge
running: it shows the live top 10, search and submit work, the countdown ticks."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.bridge import KEYS, BridgeThread, converged, settings_for, wait_until
from tests.support.servers import ADMIN_TOKEN, free_port

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# as root there is no sandbox; the rest keeps Chromium off this machine's closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def server(database_url, redis_url):
    yield from serve(database_url, redis_url)


@pytest.fixture
def keyed_server(database_url, redis_url):
    """The same, with submits that need a server key, as in production."""
    yield from serve(database_url, redis_url, LEADERBOARD_SUBMIT_AUTH="key")


def serve(database_url, redis_url, **extra):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "LEADERBOARD_ENV": "development",
        "RATE_LIMIT": "off",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "8",
        "LEADERBOARD_REFRESH_INTERVAL_MS": "2000",
        "LEADERBOARD_ADMIN_TOKEN": ADMIN_TOKEN,
        **extra,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "leaderboard", "web"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_until(up, timeout=30, message="the web server serving")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.fixture
def page():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        yield context.new_page()
        browser.close()


def test_dashboard_live_top10_search_submit_and_countdown(
    server, page, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(200, 1000, 0.9)")
    challenger = conn.execute(
        "select user_id from lb.board_entries order by value limit 1"
    ).fetchone()[0]
    with BridgeThread(settings_for(database_url, redis_url, refresh_interval_ms=2000)):
        wait_until(
            lambda: converged(conn, redis_client) and redis_client.get(KEYS.top10("global")),
            message="index and cache",
        )
        page.goto(server)

        # the top 10, with medals, from the live stream
        rows = page.locator("#top-body tr")
        expect(rows).to_have_count(10)
        expect(rows.nth(0).locator("td.rank .medal.gold")).to_have_text("1")
        expect(rows.nth(2).locator("td.rank .medal.bronze")).to_have_text("3")
        expect(rows.nth(3).locator("td.rank .medal")).to_have_count(0)
        expect(page.locator("#live")).to_have_text("live")
        leader = conn.execute("select username from lb.top_players(1)").fetchone()[0]
        expect(rows.nth(0)).to_contain_text(leader)
        expect(page.locator("#health-db")).to_have_class("dot ok")
        expect(page.locator("#health-bridge")).to_have_class("dot ok")

        # the countdown to the next refresh ticks
        countdown = page.locator("#countdown")
        expect(countdown).to_have_text(re.compile(r"^(\d+s|now)$"))
        first = countdown.inner_text()
        expect(countdown).not_to_have_text(first, timeout=5000)

        # search: rank, total and the players around them, as the SQL API says
        rank, total = conn.execute(
            "select rank, total_score from lb.player_rank(%s)", (challenger,)
        ).fetchone()
        page.fill("#search-id", str(challenger))
        page.click("#search-form button")
        expect(page.locator("#player-total")).to_have_text(f"{total:,}")
        expect(page.locator("#player-rank")).to_contain_text(str(rank))
        expect(page.locator("#around-body tr.me")).to_have_count(1)

        # submit a winning score (and score 0 is accepted, unlike the original)
        page.fill("#submit-user", str(challenger))
        page.fill("#submit-score", "0")
        page.click("#submit-form button")
        expect(page.locator("#submit-result")).to_contain_text(f"total {total:,}")
        for _ in range(60):
            page.fill("#submit-score", "1000000")
            page.click("#submit-form button")
            expect(page.locator("#submit-result")).to_contain_text("Recorded 1,000,000")
            if conn.execute("select rank from lb.player_rank(%s)", (challenger,)).fetchone() == (
                1,
            ):
                break
        new_total = conn.execute(
            "select total_score from lb.player_rank(%s)", (challenger,)
        ).fetchone()[0]
        expect(page.locator("#player-total")).to_have_text(f"{new_total:,}")
        expect(page.locator("#player-rank .medal.gold")).to_have_text("1", timeout=10_000)
        # ...and the live top 10 shows the new leader after the next refresh
        username = conn.execute(
            "select username from lb.users where id = %s", (challenger,)
        ).fetchone()[0]
        expect(rows.nth(0)).to_contain_text(username, timeout=15_000)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        assert (ARTIFACTS / "dashboard.png").stat().st_size > 10_000


def test_dashboard_search_shows_a_clear_error_for_an_unknown_player(server, page):
    page.goto(server)
    page.fill("#search-id", "987654")
    page.click("#search-form button")
    expect(page.locator("#search-error")).to_have_text("player 987654 does not exist")
    expect(page.locator("#player")).to_be_hidden()


def test_boards_picker_period_switch_reset_countdown_and_chart(
    server, page, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(100, 600, 0.7)")
    conn.execute(
        "select lb.create_board('ranked', p_game_mode => 'ranked', p_aggregate => 'best',"
        " p_backfill => true)"
    )
    conn.execute("select lb.create_board('casual', p_game_mode => 'casual', p_backfill => true)")
    # 8-second periods: long enough to act in, short enough to see one end
    conn.execute(
        "select lb.create_board('short', p_reset => 'fixed', p_reset_every => '12 seconds',"
        " p_reset_anchor => '2026-01-01 00:00')"
    )
    newcomer = conn.execute("select lb.create_player('newcomer')").fetchone()[0]
    with BridgeThread(settings_for(database_url, redis_url, refresh_interval_ms=2000)):
        wait_until(
            lambda: all(redis_client.get(KEYS.top10(b)) for b in ("global", "ranked", "casual")),
            message="every board's cache",
        )
        page.goto(server)
        board = page.locator("#board")
        expect(board.locator("option")).to_have_text(["global", "casual", "ranked", "short"])

        # picking a board shows its top 10, as SQL has it
        board.select_option("ranked")
        leader = conn.execute("select username from lb.top_players(1, 0, 'ranked')").fetchone()[0]
        rows = page.locator("#top-body tr")
        expect(rows).to_have_count(10)
        expect(rows.nth(0)).to_contain_text(leader)
        expect(page.locator("#board-rules")).to_contain_text("best score · ranked only")
        expect(page.locator("#live")).to_have_text("live")

        # a ranked submit counts on global and ranked, not on the casual board; sent early in
        # a 'short' period, so that it is still the current one when that board is checked
        # below (on a busy machine the steps in between took longer than a whole period)
        remaining = conn.execute(
            "select extract(epoch from period_end - now())::float from lb.boards()"
            " where board_id = 'short'"
        ).fetchone()[0]
        if remaining < 10:
            time.sleep(remaining + 0.3)
        page.fill("#submit-user", str(newcomer))
        page.fill("#submit-score", "1000000")
        page.select_option("#submit-mode", "ranked")
        page.click("#submit-form button")
        counted = page.locator("#submit-boards li")
        expect(counted).to_have_text(["global: 1,000,000", "ranked: 1,000,000", "short: 1,000,000"])
        expect(rows.nth(0)).to_contain_text("newcomer", timeout=15_000)  # the live stream
        board.select_option("casual")
        expect(rows.nth(0)).not_to_contain_text("newcomer")
        expect(page.locator("#top-body")).not_to_contain_text("newcomer")

        # the short board: its reset counts down, and after it the previous period is readable
        board.select_option("short")
        expect(rows.nth(0)).to_contain_text("newcomer", timeout=10_000)
        reset = page.locator("#reset-countdown")
        expect(reset).to_have_text(re.compile(r"^(\d+s|now)$"))
        first = reset.inner_text()
        expect(reset).not_to_have_text(first, timeout=5000)
        expect(page.locator("#top-body")).not_to_contain_text("newcomer", timeout=20_000)
        # seen within ~2 s of the reset (the reset event, or the countdown reaching 0), so the
        # previous period is still the one with the submit
        page.check('input[name="period"][value="previous"]')
        expect(page.locator("#live")).to_have_text("past period")
        expect(rows.nth(0)).to_contain_text("newcomer", timeout=5_000)
        expect(page.locator("#period-dates")).to_contain_text("–")

        # the pipeline chart draws the last minutes of submits and lag
        expect(page.locator("#pipeline-now")).to_contain_text("submits/s", timeout=10_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-boards.png"), full_page=True)


def test_every_development_control_does_what_it_says(server, page, conn):
    """The seed buttons showed 'Content-Type must be application/json' (issue 28): the
    browser tests never clicked them. Each control here is clicked and its result checked,
    on the page and in the database; the page asks for no favicon and writes every time in
    one style."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server)
    # submits are open in development: no key to give
    expect(page.locator("#submit-key")).to_have_count(0)
    players = lambda: conn.execute("select count(*) from lb.users").fetchone()[0]  # noqa: E731
    result = page.locator("#seed-result")

    page.click("button.seed[data-users='100']")
    expect(result).to_have_text(re.compile(r"^Seeded 100 players and 500 sessions in "))
    expect(result).to_have_class("ok")
    assert players() == 100

    page.click("button.seed[data-users='1000']")
    expect(result).to_have_text(re.compile(r"^Seeded 1,000 players and 5,000 sessions in "))
    assert players() == 1100

    # clearing needs the admin token, even in development
    page.fill("#admin-token", "not-the-token-at-all")
    page.click("#clear-form button")
    expect(result).to_have_text("a valid 'Authorization: Bearer <admin token>' is required")
    expect(result).to_have_class("error")
    assert players() == 1100
    page.fill("#admin-token", ADMIN_TOKEN)
    page.click("#clear-form button")
    expect(result).to_have_text(re.compile(r"^Seeded 100 players and 500 sessions in "))
    assert players() == 100

    # the board's countdown: an all-time board has none, and no previous period to pick
    expect(page.locator("#reset-in")).to_be_hidden()
    expect(page.locator('input[name="period"][value="previous"]')).to_be_disabled()
    # the player's sessions are dated like the board's period, with the zone named:
    # 5 Dec 2026, 01:29:31 UTC
    page.fill("#search-id", "1")
    page.click("#search-form button")
    expect(page.locator("#sessions li").first).to_have_text(
        re.compile(r" · \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} \S+$")
    )
    expect(page.locator("#last-updated")).to_have_text(re.compile(r"^\d{2}:\d{2}:\d{2}$"))
    assert not [url for url in requested if url.endswith("/favicon.ico")]


def test_where_submits_need_a_key_the_form_sends_the_one_given(keyed_server, page, conn):
    user = conn.execute("select lb.create_player('kim')").fetchone()[0]
    secret = conn.execute("select secret from lb.create_key('dashboard')").fetchone()[0]
    page.goto(keyed_server)
    page.fill("#submit-user", str(user))
    page.fill("#submit-score", "7")
    page.fill("#submit-key", "lbk_" + "0" * 64)
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#submit-result")).to_contain_text("the server key is not valid")
    assert conn.execute("select count(*) from lb.game_sessions").fetchone() == (0,)
    page.fill("#submit-key", secret)
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#submit-result")).to_contain_text(f"Recorded 7 for player #{user}")
    # a score a rule holds: the form says so instead of "Recorded"
    conn.execute("select lb.create_rule('cap', 'max_score', 100)")
    page.fill("#submit-score", "500")
    page.click("#submit-form button[type=submit]")
    expect(page.locator("#submit-result")).to_contain_text("Held by rule cap")
    assert conn.execute("select held_by from lb.game_sessions where score = 500").fetchone() == (
        "cap",
    )
    assert conn.execute("select written_by from lb.game_sessions").fetchall() == [
        ("key:dashboard",),
        ("key:dashboard",),
    ]


def test_the_moderation_page_reviews_the_held_queue(server, page, conn):
    user = conn.execute("select lb.create_player('rex')").fetchone()[0]
    conn.execute("select lb.create_rule('cap', 'max_score', 1000)")
    conn.execute("select lb.submit_score(%s, 100)", (user,))
    held = [
        conn.execute("select session_id from lb.submit_score(%s, %s)", (user, s)).fetchone()[0]
        for s in (5000, 7000)
    ]
    page.goto(server)
    page.click("#moderation-link")
    rows = page.locator("#held-body tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("rex")
    expect(rows.nth(0)).to_contain_text("cap")
    page.fill("#reason", "replay checked")
    page.click(f"button[data-action=approve][data-session='{held[0]}']")
    expect(page.locator("#held-result")).to_contain_text(f"Session {held[0]} approved: global 5100")
    expect(rows).to_have_count(1)
    page.click(f"button[data-action=reject][data-session='{held[1]}']")
    expect(page.locator("#held-result")).to_contain_text(f"Session {held[1]} rejected")
    expect(page.locator("#held-body")).to_contain_text("nothing held")
    reviews = conn.execute(
        "select review from lb.game_sessions where id = any(%s) order by id", (held,)
    ).fetchall()
    assert reviews == [("approved",), ("rejected",)]

    audit = page.locator("#audit-body tr")
    expect(audit.nth(0)).to_contain_text("session_rejected")
    expect(audit.nth(1)).to_contain_text("replay checked")
    expect(audit.nth(1)).to_contain_text("token:development")

    page.fill("#player-id", str(user))
    page.click("#player-form button[type=submit]")
    sessions = page.locator("#player-body tr")
    expect(sessions).to_have_count(3)
    expect(sessions.nth(0)).to_contain_text("rejected (cap)")
    expect(sessions.nth(1)).to_contain_text("approved (cap)")
    expect(sessions.nth(2)).to_contain_text("counted")


@pytest.fixture
def production_server(database_url, redis_url):
    yield from serve(database_url, redis_url, LEADERBOARD_ENV="production")


def test_in_production_the_moderation_page_asks_for_the_admin_token(production_server, page, conn):
    user = conn.execute("select lb.create_player('ivy')").fetchone()[0]
    conn.execute("select lb.create_rule('cap', 'max_score', 10)")
    conn.execute("select lb.submit_score(%s, 50)", (user,))
    page.goto(f"{production_server}/moderation")
    page.fill("#token", "not-the-token-at-all")
    page.click("#token-form button[type=submit]")
    expect(page.locator("#held-result")).to_contain_text("Bearer")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#token-form button[type=submit]")
    expect(page.locator("#held-body tr")).to_have_count(1)
    expect(page.locator("#held-body")).to_contain_text("ivy")
