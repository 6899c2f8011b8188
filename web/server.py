"""The HTTP transport of `leaderboard web`: granian's RSGI interface in front of the Flask app.

Granian's own WSGI interface hands a request to one of its blocking threads as soon as the
headers are in and reads the body from that thread, with no time limit: 40 clients that
announced `Content-Length: 1000` and sent 10 bytes held every thread of both workers, and
nothing, /health included, was answered until they gave up (issue 27). Here a request's body
is received on the worker's event loop, which waits for any number of slow clients at no
cost, under a deadline and a size limit; only a complete request is handed to a thread. A
client too slow gets 408, one too large 413 (a chunked body too: it is counted as it comes,
never cut short), and both have their connection closed. The time to send the headers is
bounded by granian itself (--http1-header-read-timeout, set from the same setting).

Everything else is ordinary WSGI: the environ PEP 3333 describes, the response sent from the
app's thread as soon as the app has made it, and streamed bodies (the live streams) pumped
from the thread that runs them. The iterable the app returns is always closed, whatever
happened to the request (HEAD, a client gone, an error), so anything the app holds for a
response (a live stream's slot) is given back on every path.

When the server is told to stop, it stops accepting and waits for open requests; a live
stream would hold that wait until the server killed the worker. So the transport watches
for the stop signals itself and calls `on_stop` (ending the streams) at once.

The price, measured with wrk against the same app served both ways (docs/ARCHITECTURE.md,
"The HTTP transport"): a thread hand-off per request, which shows on the cheapest endpoints
and hardly on those that do real work.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

from leaderboard import logs
from web.errors import MAX_BODY_BYTES, error_json

log = logs.get("web.server")

# A request the transport answered itself, before the app saw it; a fixed set of reasons.
REFUSED = Counter(
    "leaderboard_http_refused_total",
    "requests the HTTP transport refused before the app saw them, by reason",
    ["reason"],
)
_CLOSE = object()  # a worker thread's cue to exit
# environ key: callables the app adds, called (from the event loop) if the client disconnects
# while a streamed body is being sent
ON_DISCONNECT = "leaderboard.on_disconnect"


@dataclass(frozen=True)
class Limits:
    """What one request may cost the server before the app sees it."""

    # from the first byte of the body to its last
    body_timeout_s: float = 10.0
    # the largest body any endpoint takes
    max_body: int = MAX_BODY_BYTES
    # the request target (path and query string), and all header lines together
    max_target: int = 8192
    max_headers: int = 16384


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, reason: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.reason = status, code, message, reason


class _Start:
    """The WSGI start_response callable, keeping what the app passed."""

    __slots__ = ("headers", "status")

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status = int(status[:3])
        self.headers = headers


class Transport:
    """An RSGI application running a WSGI application on a pool of threads."""

    def __init__(
        self,
        app: Callable,
        threads: int,
        limits: Limits | None = None,
        on_stop: Iterable[Callable[[], None]] = (),
    ) -> None:
        self.app = app
        self.limits = limits or Limits()
        self.on_stop = list(on_stop)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"web-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()
        self._base = {
            "SCRIPT_NAME": "",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    # -- RSGI ---------------------------------------------------------------------------------

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":  # no websockets here (granian runs with --no-ws)
            return
        loop = asyncio.get_running_loop()
        try:
            environ = self._environ(scope, await self._body(scope, proto))
        except Refusal as refusal:
            REFUSED.labels(refusal.reason).inc()
            proto.response_bytes(
                refusal.status,
                _refusal_headers(),
                error_json(refusal.code, refusal.message),
            )
            return
        done = loop.create_future()
        self._jobs.put((loop, done, proto, environ))
        await done

    def __rsgi_init__(self, loop: Any) -> None:
        # once the loop runs: uvloop takes the wakeup fd when a run starts
        loop.call_soon(watch_stop_signals, self.stopping)

    def __rsgi_del__(self, loop: Any) -> None:
        for _ in self._threads:
            self._jobs.put(_CLOSE)

    def stopping(self) -> None:
        """The server is stopping: run the on_stop callbacks (ending the live streams)."""
        log.info("stopping", callbacks=len(self.on_stop))
        for callback in self.on_stop:
            try:
                callback()
            except Exception:
                log.exception("on_stop_failed")

    # -- the request, before the app -----------------------------------------------------------

    async def _body(self, scope: Any, proto: Any) -> bytes:
        """The request's body, once the request has passed every check that needs no body;
        a Refusal for anything the app must not see."""
        limits = self.limits
        headers = scope.headers
        if len(scope.path) + len(scope.query_string) > limits.max_target:
            raise Refusal(
                414,
                "URI_TOO_LONG",
                f"the request target exceeds {limits.max_target} bytes",
                "target_too_long",
            )
        items = headers.items()
        if sum(len(k) + len(v) for k, v in items) > limits.max_headers:
            raise Refusal(
                431,
                "HEADERS_TOO_LARGE",
                f"the request headers exceed {limits.max_headers} bytes",
                "headers_too_large",
            )
        # granian leaves out a header whose value is not printable ASCII: an Idempotency-Key
        # with a byte above 127 vanished, and a retry counted twice
        readable = {name for name, _ in items}
        unreadable = [name for name in headers.keys() if name not in readable]  # noqa: SIM118
        if unreadable:
            raise Refusal(
                400,
                "INVALID_HEADER",
                f"header {unreadable[0]} must be printable ASCII",
                "invalid_header",
            )
        length = headers.get("content-length")
        coding = headers.get("transfer-encoding")
        if coding is not None and coding.strip().lower() != "chunked":
            raise Refusal(
                501,
                "NOT_IMPLEMENTED",
                f"transfer coding {coding!r} is not supported: send the body as it is, or chunked",
                "transfer_coding",
            )
        if length is None and coding is None:
            return b""
        if length is not None and (not length.isdigit() or int(length) > limits.max_body):
            raise _too_large(limits.max_body)
        if length == "0":
            return b""
        try:
            async with asyncio.timeout(limits.body_timeout_s):
                if coding is None:
                    body = await self._sized(proto, int(length))
                else:
                    body = await self._chunked(proto)
        except TimeoutError:
            raise Refusal(
                408,
                "REQUEST_TIMEOUT",
                f"the request body did not arrive within {limits.body_timeout_s:g} s",
                "body_timeout",
            ) from None
        return body

    @staticmethod
    async def _sized(proto: Any, length: int) -> bytes:
        """A body of `length` bytes (at most the limit, checked before): all of it, or a
        refusal. A client that closes its side early ends the body early, which granian
        reports as an error when the whole body is asked for."""
        try:
            body = await proto()
        except Exception:
            body = None
        if body is None or len(body) != length:
            raise _incomplete()
        return body

    async def _chunked(self, proto: Any) -> bytes:
        """A chunked body, counted against the limit as it comes (never cut short). granian
        gives each chunk, then one empty one at the end; a chunk it cannot read (bad framing,
        the connection closed) comes as an empty one too, and is followed by another:
        an empty chunk that is not the last means the body is broken."""
        chunks: list[bytes] = []
        size = 0
        empty = False
        async for chunk in proto:
            if empty:
                raise _incomplete()
            if not chunk:
                empty = True
                continue
            size += len(chunk)
            if size > self.limits.max_body:
                raise _too_large(self.limits.max_body)
            chunks.append(chunk)
        return b"".join(chunks)

    def _environ(self, scope: Any, body: bytes) -> dict[str, Any]:
        server, _, server_port = scope.server.rpartition(":")
        client, _, client_port = scope.client.rpartition(":")
        environ = {
            **self._base,
            "REQUEST_METHOD": scope.method,
            # PEP 3333: the percent-decoded path as bytes in a latin-1 str
            "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
            # PEP 3333 again: the bytes as latin-1 (a raw byte above 127 failed, a 500)
            "QUERY_STRING": scope.query_string.encode("utf-8", "surrogateescape").decode("latin-1"),
            "SERVER_NAME": server.strip("[]"),
            "SERVER_PORT": server_port,
            "REMOTE_ADDR": client.strip("[]"),
            "REMOTE_PORT": client_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)) if body else "",
            ON_DISCONNECT: [],
        }
        for name, value in scope.headers.items():
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
            elif name not in {"content-length", "transfer-encoding"}:
                key = "HTTP_" + name.upper().replace("-", "_")
                joined = environ.get(key)
                # repeated headers are one comma-separated value (cookies: '; ')
                environ[key] = (
                    value
                    if joined is None
                    else joined + ("; " if name == "cookie" else ", ") + value
                )
        if "HTTP_HOST" not in environ and scope.authority:
            environ["HTTP_HOST"] = scope.authority
        return environ

    # -- the app, on a thread ----------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _CLOSE:
                return
            loop, done, proto, environ = job
            try:
                self._serve(loop, proto, environ)
            except BaseException as exc:  # the request is answered; the thread goes on
                log.exception("transport_error", error=type(exc).__name__)
            finally:
                with contextlib.suppress(RuntimeError):  # the loop has closed: shutting down
                    loop.call_soon_threadsafe(_settle, done)

    def _serve(self, loop: asyncio.AbstractEventLoop, proto: Any, environ: dict) -> None:
        start = _Start()
        result: Iterable[bytes] = ()
        try:
            try:
                result = self.app(environ, start)
            except Exception:
                # the app answers every error itself (web.errors); this is a last resort,
                # still in the envelope
                log.exception("app_error")
                proto.response_bytes(
                    500, _refusal_headers(), error_json("INTERNAL_ERROR", "internal error")
                )
                return
            if environ["REQUEST_METHOD"] == "HEAD":
                proto.response_empty(start.status, start.headers)
            elif any(name.lower() == "content-length" for name, _ in start.headers):
                proto.response_bytes(start.status, start.headers, b"".join(result))
            else:
                transport = proto.response_stream(start.status, start.headers)
                watch = _Watch(loop, proto, environ) if environ[ON_DISCONNECT] else None
                try:
                    self._pump(transport, result)
                finally:
                    if watch is not None:
                        watch.cancel()
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    @staticmethod
    def _pump(transport: Any, chunks: Iterable[bytes]) -> None:
        """Send a streamed body as the app makes it; stop when the client has gone.

        Granian queues a chunk for the connection at once and answers with an awaitable that
        is already settled: raising if the connection is gone. It needs no event loop, so a
        stream also ends cleanly while the server is stopping (its loop no longer runs)."""
        for chunk in chunks:
            if chunk and not _settled_ok(transport.send_bytes(chunk)):
                return


def _settled_ok(awaitable: Any) -> bool:
    """Whether an awaitable that is already settled succeeded (one step of it, no loop)."""
    try:
        next(awaitable.__await__())
    except StopIteration:
        return True
    except Exception:
        return False
    return True  # not settled yet: the chunk was handed over, its outcome comes later


def watch_stop_signals(callback: Callable[[], None]) -> bool:
    """Call `callback` (on a thread of its own) when this process gets SIGTERM or SIGINT,
    leaving the handling of the signals to whoever handles them.

    The server's event loop handles both through the signal wakeup fd, the interpreter's own
    way to learn about a signal without replacing its handler: the C-level handler writes
    each signal's number to it. This puts a pipe of ours in its place, watches it, and passes
    every byte on to the loop's, which therefore sees every signal as before. Only the main
    thread may do this; returns whether it did."""
    if threading.current_thread() is not threading.main_thread():
        return False
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    try:
        previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    except ValueError:
        os.close(read_fd)
        os.close(write_fd)
        return False
    stops = {signal.SIGTERM, signal.SIGINT}

    def watch() -> None:
        called = False
        while got := os.read(read_fd, 64):
            if previous != -1:
                with contextlib.suppress(OSError):
                    os.write(previous, got)
            if not called and stops.intersection(got):
                called = True
                callback()

    threading.Thread(target=watch, name="stop-signals", daemon=True).start()
    return True


class _Watch:
    """While a streamed body is pumped: call the app's ON_DISCONNECT callbacks as soon as
    the client goes away (granian's client_disconnect), instead of at the stream's next
    write, which may be a keepalive away. Set up on the event loop, and cancelled when the
    stream ends (the connection may live on for the client's next request)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, proto: Any, environ: dict) -> None:
        self.loop = loop
        self.callbacks = environ[ON_DISCONNECT]
        self.task: asyncio.Future | None = None
        loop.call_soon_threadsafe(self._start, proto)

    def _start(self, proto: Any) -> None:
        self.task = asyncio.ensure_future(proto.client_disconnect())
        self.task.add_done_callback(self._gone)

    def _gone(self, task: asyncio.Future) -> None:
        if task.cancelled():
            return
        for callback in self.callbacks:
            try:
                callback()
            except Exception:
                log.exception("on_disconnect_failed")

    def cancel(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: shutting down
            self.loop.call_soon_threadsafe(self._cancel)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()


def _settle(done: asyncio.Future) -> None:
    if not done.done():
        done.set_result(None)


def _incomplete() -> Refusal:
    return Refusal(
        400,
        "INCOMPLETE_BODY",
        "the request body ended before its declared length (or its chunks were malformed)",
        "body_incomplete",
    )


def _too_large(limit: int) -> Refusal:
    return Refusal(
        413, "PAYLOAD_TOO_LARGE", f"request body exceeds the {limit}-byte limit", "body_too_large"
    )


def _refusal_headers() -> list[tuple[str, str]]:
    # the body may not have been read: the connection cannot carry another request
    return [
        ("content-type", "application/json"),
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
        ("connection", "close"),
    ]
