"""Helpers for the gateway tests: a real gateway subprocess, a stand-in Odoo, tokens."""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from video_gateway.tokens import mint_join_token

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-secret-" + "x" * 40


def new_room() -> str:
    return secrets.token_urlsafe(24)


def token(room: str, role: str = "customer", **claims: Any) -> str:
    defaults: dict[str, Any] = {"lead": 42, "name": "Marie" if role == "customer" else "Luc",
                                "dealer": "Garage Test", "lang": "fr"}
    if role == "advisor":
        defaults["sub"] = "7"
    defaults.update(claims)
    return mint_join_token(SECRET, room=room, role=role, **defaults)


class GatewayProcess:
    """``python -m video_gateway`` on a free port, as in production."""

    def __init__(self, env: dict[str, str]) -> None:
        full_env = {**os.environ, "GATEWAY_SECRET": SECRET, "GATEWAY_PORT": "0",
                    "GATEWAY_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1", **env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "video_gateway"], cwd=REPO, env=full_env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = 0
        self.lines: list[str] = []
        deadline = time.monotonic() + 30
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            match = re.search(r"ready on [\d.]+:(\d+)", line)
            if match:
                self.port = int(match.group(1))
                break
        if not self.port:
            self.proc.kill()
            raise RuntimeError("gateway did not start:\n" + "".join(self.lines))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class FakeOdoo:
    """A small HTTP server on a real socket answering like Odoo's callback route."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # statuses to answer first (then 200)
        self.delay = 0.0  # seconds to think before answering (a slow Odoo)
        self.failing_rooms: set[str] = set()  # rooms whose callbacks get 503
        self.cond = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if outer.delay:
                    time.sleep(outer.delay)
                with outer.cond:
                    status = outer.statuses.pop(0) if outer.statuses else 200
                    if json.loads(body or b"{}").get("room") in outer.failing_rooms:
                        status = 503
                    outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                           "body": body, "status": status})
                    outer.cond.notify_all()
                payload = b'{"ok": true}' if status == 200 else b'{"error": "test"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *args: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self, accepted_only: bool = True) -> list[dict[str, Any]]:
        with self.cond:
            return [json.loads(r["body"]) for r in self.requests
                    if not accepted_only or r["status"] == 200]

    def wait_for(self, event: str, timeout: float = 30, count: int = 1,
                 room: str | None = None) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [e for e in self.events() if e["event"] == event
                         and room in (None, e.get("room"))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {event} callback; got {self.events(False)}")
                self.cond.wait(left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, so it can be stopped and restarted."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def restart_empty(self) -> None:
        """Stop and start again with no data, as a Redis without persistence does."""
        self.stop()
        self.start()


def http_request(url: str, method: str = "GET", body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one HTTP request (errors included, no exception)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()
