"""What a hostile client can do to a running `leaderboard web` over raw sockets (issue 27):
slow headers and slow bodies, chunked and oversized bodies, long targets and headers, HEAD
and OPTIONS on the live streams, streams abandoned at every step, hostile methods, paths and
board ids against the metrics, a double slash. The server keeps answering everyone else,
answers every refusal in the JSON envelope, gives every stream slot back, and writes nothing
it was not asked to by a complete, valid request."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.request

import pytest

from tests.adversarial.conftest import READ_TIMEOUT_MS, THREADS, Web
from tests.support.db import db_state

SLOTS = THREADS // 2  # live streams a worker takes (web.stream)


def connect(web: Web, timeout: float = 10.0, source: str | None = None) -> socket.socket:
    """A connection to the server, from `source` (another loopback address: another client
    as far as per-client limits go) when given."""
    sock = socket.create_connection(
        ("127.0.0.1", web.port), timeout=timeout, source_address=(source, 0) if source else None
    )
    sock.settimeout(timeout)
    return sock


def exchange(web: Web, data: bytes, timeout: float = 10.0) -> bytes:
    """Send `data`, then read until the server closes the connection."""
    with connect(web, timeout) as sock:
        sock.sendall(data)
        return read_all(sock)


def read_all(sock: socket.socket) -> bytes:
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def status_and_body(raw: bytes) -> tuple[int, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = _unchunk(body)
    return status, json.loads(body) if body.strip() else {}


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out += rest[:n]
        body = rest[n + 2 :]
    return out


def get(web: Web, path: str, timeout: float = 2.0) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(web.base + path, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def submit_request(body: bytes, extra: str = "") -> bytes:
    return (
        f"POST /api/leaderboard/submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"{extra}\r\n"
    ).encode() + body


def chunked(body: bytes, size: int = 500) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


@pytest.fixture
def player(conn) -> int:
    return conn.execute("select lb.create_player('target')").fetchone()[0]


def test_slow_headers_hold_nothing_and_are_cut_off(web):
    socks = [connect(web) for _ in range(40)]
    try:
        for sock in socks:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never the blank line
        started = time.monotonic()
        assert get(web, "/livez")[0] == 200
        assert time.monotonic() - started < 1.0
        for sock in socks:  # the server closes each once the read timeout is over
            assert read_all(sock) == b""
        assert time.monotonic() - started < READ_TIMEOUT_MS / 1000 + 5
    finally:
        for sock in socks:
            sock.close()


def test_slow_bodies_hold_no_thread_get_408_and_write_nothing(web, conn, player):
    before = db_state(conn)
    socks = [connect(web) for _ in range(40)]  # ten times the worker's threads
    try:
        for sock in socks:
            sock.sendall(submit_request(b'{"user_id": ', "Content-Length: 1000\r\n"))
        started = time.monotonic()
        assert get(web, "/livez")[0] == 200
        body = b'{"user_id": %d, "score": 7}' % player
        answered = exchange(
            web,
            submit_request(body, f"Content-Length: {len(body)}\r\nConnection: close\r\n"),
        )
        assert status_and_body(answered)[0] == 201
        assert time.monotonic() - started < 2.0  # others never waited for the slow ones
        for sock in socks:
            status, body = status_and_body(read_all(sock))
            assert status == 408
            assert body["error"]["code"] == "REQUEST_TIMEOUT"
    finally:
        for sock in socks:
            sock.close()
    after = db_state(conn)
    assert after["sessions"] == before["sessions"] + 1  # the complete request alone


def test_a_chunked_body_over_the_limit_is_413_never_cut_short(web, conn, player):
    before = db_state(conn)
    big = b'{"user_id": %d, "score": 5,' % player + b" " * 3000 + b'"game_mode": "classic"}'
    assert len(big) > 3000
    raw = exchange(web, submit_request(chunked(big), "Transfer-Encoding: chunked\r\n"))
    status, body = status_and_body(raw)
    assert status == 413
    assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert db_state(conn) == before
    small = b'{"user_id": %d, "score": 5}' % player
    raw = exchange(
        web,
        submit_request(chunked(small, 7), "Transfer-Encoding: chunked\r\nConnection: close\r\n"),
    )
    assert status_and_body(raw)[0] == 201


def test_an_announced_body_over_the_limit_is_413_before_it_is_read(web, conn):
    before = db_state(conn)
    started = time.monotonic()
    raw = exchange(web, submit_request(b"", "Content-Length: 5000\r\n"))
    assert status_and_body(raw)[0] == 413
    assert time.monotonic() - started < READ_TIMEOUT_MS / 1000  # not waited for
    assert db_state(conn) == before


@pytest.mark.parametrize(
    ("request_line", "status", "code"),
    [
        (b"GET /api/leaderboard/top?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n", 414,
         "URI_TOO_LONG"),
        (b"GET /api/leaderboard/top HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n",
         431, "HEADERS_TOO_LARGE"),
    ],
)  # fmt: skip
def test_long_targets_and_headers_are_refused_in_the_envelope(web, request_line, status, code):
    raw = exchange(web, request_line + b"Connection: close\r\n\r\n")
    assert status_and_body(raw) == (
        status,
        {
            "success": False,
            "error": {"code": code, "message": status_and_body(raw)[1]["error"]["message"]},
        },
    )


STREAMS = ["/api/leaderboard/stream", "/api/boards/global/stream"]


def open_stream(web: Web, path: str, client: int = 0) -> socket.socket:
    """A stream's connection, once its first event has arrived; `client` picks the source
    address (127.0.0.(client + 1)), each a client of its own for the per-client cap."""
    sock = connect(web, source=f"127.0.0.{client + 1}")
    try:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        seen = b""
        while b"event: top10" not in seen:
            chunk = sock.recv(65536)
            assert chunk, seen
            seen += chunk
        assert b" 200 " in seen.split(b"\r\n", 1)[0], seen[:200]
    except BaseException:
        sock.close()
        raise
    return sock


def test_head_and_options_on_the_streams_take_no_slot(web):
    """HEAD took a slot for good (granian never closed the unstarted body): 16 of them and
    every stream was refused, minutes later still."""
    for path in STREAMS:
        for _ in range(10 * SLOTS):
            for method in ("HEAD", "OPTIONS"):
                request = urllib.request.Request(web.base + path, method=method)
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
    for sock in take_all_slots(web, within_s=0):  # every slot, at once
        sock.close()


def take_all_slots(web: Web, within_s: float = 5.0) -> list[socket.socket]:
    """A stream on every slot, once they are all free, within `within_s` (far less than a
    keepalive, 15 s)."""
    deadline = time.monotonic() + within_s
    while True:
        socks: list[socket.socket] = []
        try:
            for n in range(SLOTS):
                socks.append(open_stream(web, STREAMS[n % 2], client=n))
            return socks
        except AssertionError:
            for sock in socks:
                sock.close()
            assert time.monotonic() < deadline, "stream slots not given back"
            time.sleep(0.2)


def test_abandoned_streams_give_their_slots_back_at_once(web):
    # clients that send the request and leave before any answer
    for _ in range(3 * SLOTS):
        with connect(web) as sock:
            sock.sendall(b"GET /api/leaderboard/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    for _round in range(3):
        streams = take_all_slots(web)
        # all slots taken: one more is refused, and says so in the envelope
        with connect(web, source="127.0.0.99") as sock:
            sock.sendall(b"GET /api/leaderboard/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            status, body = status_and_body(sock.recv(65536))
        assert (status, body["error"]["code"]) == (503, "TOO_MANY_STREAMS")
        for sock in streams:
            sock.close()  # abandoned after the first event
    for sock in take_all_slots(web):
        sock.close()


def series(metrics_text: str) -> set[str]:
    return {
        line.rsplit(" ", 1)[0]
        for line in metrics_text.splitlines()
        if line and not line.startswith("#")
    }


def test_metrics_labels_take_no_value_a_client_chooses(web):
    def hostile(tag: str) -> None:
        for n in range(15):
            method = f"{tag}{'Y' * 3000}{n}"
            request = f"{method} /api/leaderboard/top HTTP/1.1\r\nHost: x\r\n"
            exchange(web, (request + "Connection: close\r\n\r\n").encode())
            get(web, f"/api/boards/{tag}-unknown-{n}/top")
            get(web, f"/{tag}/no/such/{n}")
            get(web, f"/api/leaderboard/rank/{tag}{n}")

    hostile("warm")  # the fixed labels these requests earn ('other', 'unmatched', 4xx)
    urllib.request.urlopen(web.base + "/metrics").read()  # and /metrics its own
    first = urllib.request.urlopen(web.base + "/metrics").read().decode()
    hostile("again")
    second = urllib.request.urlopen(web.base + "/metrics").read().decode()
    assert series(second) == series(first)
    assert len(second) < 200_000
    assert "YYYY" not in second
    assert not re.search(r"(warm|again)-unknown", second)


def test_a_double_slash_is_no_redirect(web):
    raw = exchange(
        web,
        b"GET //api/leaderboard/top HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    # the server reads the path as /api/leaderboard/top, or as no path of ours; either way
    # no redirect, and nothing of the Host header comes back
    status, _ = status_and_body(raw)
    assert status in (200, 404)
    assert b"location:" not in raw.lower()
    assert b"evil.example" not in raw


def test_one_client_may_hold_only_its_share_of_the_stream_slots(web):
    """One address opened every slot and every other dashboard got 503 (issue 27, second
    pass): a client holds a quarter of a worker's slots at most."""
    mine = open_stream(web, STREAMS[0], client=0)
    try:
        with connect(web, source="127.0.0.1") as sock:
            sock.sendall(b"GET /api/boards/global/stream HTTP/1.1\r\nHost: x\r\n\r\n")
            status, body = status_and_body(sock.recv(65536))
        assert (status, body["error"]["code"]) == (429, "TOO_MANY_STREAMS")
        other = open_stream(web, STREAMS[1], client=1)  # another client still gets one
        other.close()
    finally:
        mine.close()


def test_a_thousand_silent_connections_starve_no_one(web):
    """About 1,030 connections that never sent a byte stopped every answer (granian holds
    512 connections a worker by default); the server holds far more now."""
    socks = [connect(web) for _ in range(1100)]
    try:
        started = time.monotonic()
        assert get(web, "/livez")[0] == 200
        assert time.monotonic() - started < 2.0
    finally:
        for sock in socks:
            sock.close()


def test_cleartext_http2_is_not_spoken(web):
    """An HTTP/2 client could hold responses in server memory with a closed window."""
    with connect(web, timeout=5) as sock:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        answer = read_all(sock)
    assert not answer.startswith(b"\x00"), answer[:20]  # no SETTINGS frame back
    assert answer == b"" or answer.startswith(b"HTTP/1.1 "), answer[:60]


def test_a_body_shorter_than_announced_is_refused_and_writes_nothing(web, conn, player):
    before = db_state(conn)
    body = b'{"user_id": %d, "score": 7}' % player
    with connect(web) as sock:
        sock.sendall(submit_request(body, "Content-Length: 100\r\n"))
        sock.shutdown(socket.SHUT_WR)  # half-close: the rest never comes
        status, answer = status_and_body(read_all(sock))
    assert (status, answer["error"]["code"]) == (400, "INCOMPLETE_BODY")
    assert db_state(conn) == before


@pytest.mark.parametrize("rest", [b"zz\r\n", b"10000000000000000\r\n", b"5\r\nab", b""])
def test_broken_chunked_framing_is_refused_and_writes_nothing(web, conn, player, rest):
    before = db_state(conn)
    body = b'{"user_id": %d, "score": 7}' % player
    first = b"%x\r\n%s\r\n" % (len(body), body)
    with connect(web) as sock:
        sock.sendall(submit_request(first + rest, "Transfer-Encoding: chunked\r\n"))
        sock.shutdown(socket.SHUT_WR)
        raw = read_all(sock)
    status, _ = status_and_body(raw)
    assert status in (400, 408), raw[:200]
    assert db_state(conn) == before


def test_a_transfer_coding_other_than_chunked_is_501(web, conn, player):
    before = db_state(conn)
    body = b'{"user_id": %d, "score": 7}' % player
    raw = exchange(
        web,
        submit_request(chunked(body), "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n"),
    )
    status, answer = status_and_body(raw)
    assert (status, answer["error"]["code"]) == (501, "NOT_IMPLEMENTED")
    assert db_state(conn) == before


def test_a_header_that_is_not_ascii_is_refused_not_dropped(web, conn, player):
    """An Idempotency-Key with a byte above 127 was dropped unseen, and a retry counted twice."""
    before = db_state(conn)
    body = b'{"user_id": %d, "score": 7}' % player
    request = (
        b"POST /api/leaderboard/submit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Idempotency-Key: match-\xc3\xa9-1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        % len(body)
    ) + body
    for _ in range(2):
        status, answer = status_and_body(exchange(web, request))
        assert (status, answer["error"]["code"]) == (400, "INVALID_HEADER")
        assert "idempotency-key" in answer["error"]["message"]
    assert db_state(conn) == before


def test_a_query_string_with_raw_bytes_is_no_500(web):
    raw = exchange(
        web, b"GET /livez?x=\xe2\x82\xac HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    status, _ = status_and_body(raw)
    assert status < 500, raw[:200]
