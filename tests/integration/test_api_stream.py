"""GET /api/leaderboard/stream: the current top 10 at once, then events as the cache changes."""

from __future__ import annotations

import json
import threading

from tests.support.bridge import KEYS, BridgeThread, converged, settings_for, wait_until


def read_events(response, want, timeout=20.0):
    """Parse SSE events from a streamed test response until `want(events)` is satisfied."""
    events: list[tuple[str, dict]] = []
    done = threading.Event()
    failure: list[BaseException] = []

    def pump():
        buffer = ""
        try:
            for chunk in response.response:
                buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    fields = dict(
                        line.split(": ", 1)
                        for line in block.splitlines()
                        if ": " in line and not line.startswith(":")
                    )
                    if "event" in fields:
                        events.append((fields["event"], json.loads(fields["data"])))
                if want(events):
                    break
        except BaseException as exc:
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=pump, daemon=True).start()
    assert done.wait(timeout), f"stream did not deliver; events so far: {events}"
    assert not failure, failure
    return events


def test_stream_sends_the_top10_at_once_then_changes_and_refreshes(
    client, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(40, 120)")
    newcomer = conn.execute("select lb.create_player('streamer')").fetchone()[0]
    with BridgeThread(settings_for(database_url, redis_url, refresh_interval_ms=300)):
        wait_until(
            lambda: converged(conn, redis_client) and redis_client.get(KEYS.top10("global")),
            message="index and cache",
        )
        response = client.get("/api/leaderboard/stream", buffered=False)
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-cache"
        first = read_events(response, lambda ev: len(ev) >= 1)
        kind, payload = first[0]
        assert kind == "top10"
        assert len(payload["data"]) == 10
        assert payload["next_refresh_at"] > payload["built_at"]
        # a new leader changes the top 10: the stream says so at the next rebuild
        conn.execute("select lb.submit_score(%s, 1000000)", (newcomer,))
        for _ in range(200):
            conn.execute("select lb.submit_score(%s, 1000000)", (newcomer,))
            if conn.execute("select rank from lb.player_rank(%s)", (newcomer,)).fetchone() == (1,):
                break
        events = read_events(
            response,
            lambda ev: any(k == "top10" and p["data"][0]["user_id"] == newcomer for k, p in ev),
        )
        leader = next(p for k, p in events if k == "top10" and p["data"][0]["user_id"] == newcomer)
        assert leader["data"][0]["username"] == "streamer"
        # an unchanged rebuild is a lighter 'refresh' event carrying the next refresh time
        refresh = read_events(response, lambda ev: any(k == "refresh" for k, _ in ev))
        assert any(k == "refresh" and "next_refresh_at" in p for k, p in refresh)
        response.close()


def test_each_worker_caps_its_live_streams(make_app):
    app = make_app(web_threads=2)  # at most one stream per worker with 2 threads
    client = app.test_client()
    first = client.get("/api/leaderboard/stream", buffered=False)
    assert first.status_code == 200
    second = client.get("/api/leaderboard/stream", buffered=False)
    assert second.status_code == 503
    assert second.json["error"]["code"] == "TOO_MANY_STREAMS"
    assert second.headers["Retry-After"] == "30"
    first.close()
    third = client.get("/api/leaderboard/stream", buffered=False)
    assert third.status_code == 200
    third.close()


def test_a_stopping_server_ends_open_streams_and_refuses_new_ones(make_app):
    app = make_app()
    client = app.test_client()
    open_stream = client.get("/api/leaderboard/stream", buffered=False)
    chunks = open_stream.response  # the generator: the first events come at once
    assert b"retry: 3000" in next(chunks)
    app.extensions["leaderboard.events"].end_streams()  # what SIGTERM does in a worker
    rest = b"".join(chunks)  # ends instead of waiting for the next event
    assert b"event:" in rest or rest == b""
    refused = client.get("/api/leaderboard/stream", buffered=False)
    assert refused.status_code == 503
    assert refused.json["error"]["code"] == "SERVER_STOPPING"
    open_stream.close()
