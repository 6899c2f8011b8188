"""GET /api/leaderboard/stream: Server-Sent Events with the live top 10.

A client gets the current top 10 at once, then a `top10` event whenever a bridge rebuilds
the cache with different content, and a `refresh` event when it rebuilt the same content (so
the dashboard's countdown stays on the real schedule). One Redis subscription per process is
fanned out to that process's clients.

Each stream holds one of a worker's blocking threads, so a worker serves at most half its
threads' worth of them (the rest stay free for the API), and a stream ends after STREAM_SECONDS;
the browser's EventSource reconnects by itself. When the server is stopping, every open stream
ends at once (EventHub.end_streams, called by the transport, web.server): an HTTP server
drains its requests before it exits, and a stream left open would hold the shutdown until it
was killed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import queue
import threading
import time
from collections.abc import Iterator

import redis
from flask import Blueprint, Response, current_app, request, stream_with_context

from leaderboard import logs
from leaderboard.backoff import Backoff
from web.directory import GLOBAL_CURRENT, Period
from web.errors import ApiError
from web.reads import Reads
from web.server import ON_DISCONNECT
from web.services import Services

log = logs.get("web.stream")
bp = Blueprint("stream", __name__, url_prefix="/api/leaderboard")

KEEPALIVE_S = 15.0
# The first keepalive comes this soon after the first event: a client gone at once (a
# request sent, the answer never read) is noticed only when a write fails, and the write
# after the one that finds the connection closed is the one that fails (the transport then
# ends the stream at once, web.server), so its slot is back within about a second.
FIRST_KEEPALIVE_S = 1.0
STREAM_SECONDS = 300.0
_END = object()  # put in a client's queue: end that stream now


class EventHub:
    def __init__(self, client: redis.Redis, channel: str, max_clients: int) -> None:
        self.client = client
        self.channel = channel
        self.max_clients = max_clients
        # one client address may hold a quarter of the slots (a dashboard holds one a tab):
        # one client could take them all, and every other dashboard fell back to polling
        self.max_per_address = max(1, max_clients // 4)
        self._clients: dict[queue.Queue, str] = {}  # queue -> the board it follows
        self._addresses: dict[queue.Queue, str] = {}  # queue -> the client address
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pubsub: redis.client.PubSub | None = None
        self._closed = threading.Event()
        self._ending = False

    def subscribe(self, board: str = "global", address: str = "") -> queue.Queue:
        with self._lock:
            if self._ending:
                raise ApiError(
                    503,
                    "SERVER_STOPPING",
                    "this server is shutting down; reconnect to get another one",
                    headers={"Retry-After": "3"},
                )
            if len(self._clients) >= self.max_clients:
                raise ApiError(
                    503,
                    "TOO_MANY_STREAMS",
                    "this server has no free live-stream slot; poll /api/leaderboard/top instead",
                    headers={"Retry-After": "30"},
                )
            if sum(1 for a in self._addresses.values() if a == address) >= self.max_per_address:
                raise ApiError(
                    429,
                    "TOO_MANY_STREAMS",
                    f"this client has {self.max_per_address} live streams open on this server"
                    " already; close one, or poll /api/leaderboard/top",
                    headers={"Retry-After": "30"},
                )
            q: queue.Queue = queue.Queue(maxsize=32)
            self._clients[q] = board
            self._addresses[q] = address
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._listen, name="sse-hub", daemon=True)
                self._thread.start()
            return q

    def unsubscribe(self, q: queue.Queue) -> None:
        """Give a stream's slot back; again for the same stream does nothing."""
        with self._lock:
            self._clients.pop(q, None)
            self._addresses.pop(q, None)

    def end_stream(self, q: queue.Queue) -> None:
        """End one stream now (its client has gone)."""
        with contextlib.suppress(queue.Full):
            q.put_nowait(_END)

    def end_streams(self) -> None:
        """The server is stopping: end every open stream and refuse new ones."""
        with self._lock:
            self._ending = True
            clients = list(self._clients)
        log.info("ending_streams", reason="shutdown", streams=len(clients))
        for q in clients:
            with contextlib.suppress(queue.Empty):
                while True:  # make room: the end matters more than any pending update
                    q.get_nowait()
            with contextlib.suppress(queue.Full):
                q.put_nowait(_END)

    def close(self) -> None:
        """Stop listening (app shutdown): closing the subscription ends the blocking read."""
        self._closed.set()
        if self._pubsub is not None:
            self._pubsub.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _listen(self) -> None:
        backoff = Backoff(base=0.5, cap=10.0)
        while not self._closed.is_set():
            try:
                pubsub = self._pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                backoff.reset()
                for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    board = _board_of(message["data"])
                    with self._lock:
                        clients = [q for q, b in self._clients.items() if b == board]
                    for q in clients:
                        # a stalled client misses an update; the next one replaces it
                        with contextlib.suppress(queue.Full):
                            q.put_nowait(message["data"])
            except (redis.RedisError, ValueError, AttributeError) as exc:
                if self._closed.is_set():
                    return  # closed from close(): the read failed on purpose
                log.warning("events_unavailable", error=str(exc))
                self._closed.wait(backoff.next())


def _board_of(raw: bytes | str) -> str | None:
    """Events name their board; one published before boards existed is the global one's."""
    try:
        return json.loads(raw).get("board", "global")
    except (ValueError, AttributeError):
        return None


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


@bp.get("/stream")
def stream():
    """The original's stream: the `global` board, `top10` and `refresh` events."""
    return event_stream(GLOBAL_CURRENT, kinds=("top10", "refresh"))


def event_stream(period: Period, kinds: tuple[str, ...] = ("top10", "refresh", "reset")):
    """Server-Sent Events of one board: its top 10 at once and on change, `refresh` when a
    build changed nothing, `reset` when its period rolled over (with the new period's top 10,
    usually empty); kinds outside `kinds` are sent as `refresh`.

    The stream's slot is taken here and given back exactly once, whichever comes first: the
    stream's end, or the response being closed (the server closes every response, also one
    whose body is never read: a HEAD, a client gone before the first byte, an error). A HEAD
    takes no slot at all."""
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    if request.method == "HEAD":
        return Response(mimetype="text/event-stream", headers=headers)
    svc: Services = current_app.extensions["leaderboard"]
    hub: EventHub = current_app.extensions["leaderboard.events"]
    q = hub.subscribe(period.board, request.remote_addr or "")
    release = functools.partial(hub.unsubscribe, q)
    try:
        first = Reads(svc).top10_snapshot(period)
    except BaseException:
        release()
        raise

    def generate() -> Iterator[str]:
        try:
            yield "retry: 3000\n\n"
            yield _event("top10", json.dumps(first))
            deadline = time.monotonic() + STREAM_SECONDS
            wait = FIRST_KEEPALIVE_S
            while time.monotonic() < deadline:
                try:
                    raw = q.get(timeout=wait)
                    wait = KEEPALIVE_S
                except queue.Empty:
                    wait = KEEPALIVE_S
                    yield ": keepalive\n\n"
                    continue
                if raw is _END:
                    return
                text = raw.decode() if isinstance(raw, bytes) else raw
                kind = json.loads(text).get("type", "top10")
                yield _event(kind if kind in kinds else "refresh", text)
        finally:
            release()

    # the client gone: end the stream now rather than at the next keepalive (web.server)
    request.environ.get(ON_DISCONNECT, []).append(functools.partial(hub.end_stream, q))
    response = Response(
        stream_with_context(generate()), mimetype="text/event-stream", headers=headers
    )
    response.call_on_close(release)
    return response
