"""A local OpenAI-compatible chat-completions server (SSE streaming) with faults injected, for the probe's tests.

It runs on 127.0.0.1 in a thread. The model name in a request picks its behaviour:

- ``steady``: TTFT drawn uniformly from ``ttft_ms`` (seeded), then ``tokens`` text chunks
  ``gap_ms`` apart, a usage chunk and ``[DONE]``; the injected TTFT and gap are recorded.
- ``nousage``: as steady, without the usage chunk.
- ``limited-429``: the first ``rate_limited`` requests get 429 with ``Retry-After``.
- ``flaky``: every ``fail_every``-th request gets a 500 whose body echoes the Authorization header
  (the probe must mask the key).
- ``dropper``: every ``fail_every``-th request's connection is cut after two tokens.
- ``hang``: the first token never comes within the test's timeout.

Any model: when more than ``limit`` requests are in flight the extra one gets 429 (the limit it
enforces), and the server reports the most it saw in flight at once.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    ttft_ms: tuple[float, float] = (20.0, 80.0)
    gap_ms: float = 5.0
    tokens: int = 8
    limit: int | None = None
    rate_limited: int = 2
    retry_after_s: float = 0.3
    fail_every: int = 3
    hang_s: float = 5.0
    seed: int = 1


@dataclass
class Record:
    model: str
    arrived: float
    ttft_ms: float | None = None
    gap_ms: float | None = None
    status: int = 200
    completed: bool = False
    authorization: str | None = None
    responded: float | None = None
    prompt: str | None = None


@dataclass
class State:
    behaviour: Behaviour
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: int = 0
    max_in_flight: int = 0
    records: list[Record] = field(default_factory=list)
    per_model: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def completed(self) -> int:
        with self.lock:
            return sum(r.completed for r in self.records)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ProbeServer

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet
        pass

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, obj: Any) -> None:
        payload = obj if isinstance(obj, str) else json.dumps(obj)
        self._chunk(f"data: {payload}\n\n".encode())

    def _plain(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        state = self.server.state
        b = state.behaviour
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        model = body["model"]
        prompt = body["messages"][-1]["content"]
        rec = Record(model, time.monotonic(), authorization=self.headers.get("Authorization"), prompt=prompt)
        with state.lock:
            state.records.append(rec)
            nth = state.per_model.get(model, 0) + 1
            state.per_model[model] = nth
            state.in_flight += 1
            over = b.limit is not None and state.in_flight > b.limit
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            ttft = state.rng.uniform(*b.ttft_ms)
        try:
            if over:
                rec.status = 429
                self._plain(429, b'{"error": {"message": "too many requests in flight"}}', {"Retry-After": "0"})
                return
            if model == "limited-429" and nth <= b.rate_limited:
                rec.status = 429
                self._plain(429, b'{"error": {"message": "rate limited"}}', {"Retry-After": f"{b.retry_after_s:g}"})
                rec.responded = time.monotonic()
                return
            if model == "flaky" and nth % b.fail_every == 0:
                rec.status = 500
                echo = json.dumps({"error": {"message": f"boom; you sent {self.headers.get('Authorization')}"}})
                self._plain(500, echo.encode())
                return
            self._stream(state, rec, model, nth, ttft)
        finally:
            with state.lock:
                state.in_flight -= 1

    def _stream(self, state: State, rec: Record, model: str, nth: int, ttft: float) -> None:
        b = state.behaviour
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._event({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
        self._chunk(b": keep-alive comment\n\n")
        if model == "hang":
            time.sleep(b.hang_s)
            return
        rec.ttft_ms, rec.gap_ms = ttft, b.gap_ms
        time.sleep(ttft / 1000.0)
        for i in range(b.tokens):
            if i:
                time.sleep(b.gap_ms / 1000.0)
            self._event({"choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}]})
            if model == "dropper" and nth % b.fail_every == 0 and i == 1:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
        self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]})
        if model != "nousage":
            self._event({"choices": [], "usage": {"prompt_tokens": 17, "completion_tokens": b.tokens}})
        self._event("[DONE]")
        self._chunk(b"")
        rec.completed = True


class ProbeServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client closing its keep-alive connection is not news

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = State(behaviour, rng=random.Random(behaviour.seed))
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> ProbeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
