"""A real HTTP receiver on 127.0.0.1 for the webhook tests (http.server in a thread).

Each path answers from its plan: `plan["/flaky"] = [500, 500]` answers 500 twice, then the default
204. A plan entry "redirect" answers 302 to /ok; "slow" sleeps past the test timeout first.
Every request is recorded (path, headers, body).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: str


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    plan: dict[str, list] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def on(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.plan.clear()


def start() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            receiver = holder["r"]
            body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
            with receiver.lock:
                receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                steps = receiver.plan.get(self.path) or []
                answer = steps.pop(0) if steps else 204
            if answer == "slow":
                time.sleep(1.0)
                answer = 204
            if answer == "redirect":
                self.send_response(302)
                self.send_header("Location", "/ok")
            else:
                self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]
