"""A real HTTP server on 127.0.0.1 that serves one body, with faults injected per request.

``faults`` is a queue: each request takes the next behaviour (``ok`` when it
is empty). Every fault a price pull must survive is here: slow answers, 5xx,
408/429, 404, redirects (to a path, to ``file://``, to ``ftp://``), 304 with
and without a conditional request, HTML, invalid JSON, an empty body, a
truncated body, a chunked body over the cap, and servers that drip bytes
(into the body, or into the status line) so no single read ever times out.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: A dripping server gives up after this long, so its thread never outlives the test run by much.
DRIP_SECONDS = 4.0
DRIP_EVERY = 0.1


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (a timeout, a cap) closes the socket mid-write: expected here


class Server:
    """Serves ``body`` at ``url``; ``faults`` is a queue of behaviours for the next requests."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.faults: list[str] = []
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _empty(self, status: int, **headers: str) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k.replace("_", "-"), v)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _drip(self, data: bytes) -> None:
                end = time.monotonic() + DRIP_SECONDS
                for i in range(len(data)):
                    if time.monotonic() > end:
                        break
                    try:
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                    except OSError:
                        break
                    time.sleep(DRIP_EVERY)
                self.close_connection = True

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append({k.lower(): v for k, v in self.headers.items()} | {"path": self.path})
                fault = server.faults.pop(0) if server.faults else "ok"
                body = server.body
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if fault == "drip-status":
                    self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 1000)
                    return
                if fault in ("slow", "slow-ok"):
                    time.sleep(1.0 if fault == "slow" else 0.3)
                if fault in ("500", "404", "429", "408"):
                    self._empty(int(fault))
                    return
                if fault == "redirect" and self.path != "/moved":
                    self._empty(302, Location="/moved")
                    return
                if fault == "redirect-file":
                    self._empty(302, Location="file:///etc/passwd")
                    return
                if fault == "redirect-ftp":
                    self._empty(301, Location="ftp://127.0.0.1/prices.json")
                    return
                if fault == "304-always" or self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                ctype = "application/json"
                if fault == "html":
                    body, ctype = b"<!doctype html><html><body>Sign in</body></html>", "text/html; charset=utf-8"
                elif fault == "html-as-json":
                    body = b"<html>oops</html>"
                elif fault == "invalid":
                    body = body[:-100] + b"}}garbage"
                elif fault == "empty":
                    body = b""
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("ETag", etag)
                if fault == "chunked-big":
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(body), 65536):
                        part = body[i : i + 65536]
                        self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "truncated":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if fault == "drip-body":
                    self._drip(body)
                    return
                self.wfile.write(body)

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/model_prices.json"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
