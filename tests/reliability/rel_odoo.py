"""A real multi-worker Odoo 19 for the reliability suite: database, configuration, server.

The database is made the way ``scripts/odoo_tests.py`` makes its own (a clone of the cached
template holding the addon's dependencies, then ``-i dealer_lead_addon``); its functions are
imported, not copied. The server runs as in production: prefork with ``--workers=2`` and one
cron worker, HTTPS to Twilio through the stand-in's proxy, e-mail to the SMTP sink.
"""

import base64
import http.client
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import odoo_tests  # scripts/ is not a package

ADDON = odoo_tests.ADDON
SETUP_SCRIPT = Path(__file__).with_name("odoo_setup.py")
# what a worker may print when a request went wrong inside Odoo: never in an answer
INTERNAL_MARKERS = ("Traceback", 'File "', "psycopg2", "odoo.", "RecursionError",
                    "maximum recursion", "Unexpected error", "InFailedSqlTransaction",
                    "werkzeug", "<html", "<!DOCTYPE")


def odoo_available():
    return (odoo_tests.ODOO_PATH / "odoo-bin").exists() and odoo_tests.ODOO_PYTHON.exists()


def base_args(db, command=None):
    return [
        str(odoo_tests.ODOO_PYTHON), str(odoo_tests.ODOO_PATH / "odoo-bin"),
        *([command] if command else []),
        "-d", db, "--db_host", odoo_tests.DB_HOST, "--db_port", odoo_tests.DB_PORT,
        "--db_user", odoo_tests.DB_USER, "--data-dir", str(odoo_tests.DATA_DIR),
        "--addons-path", f"{odoo_tests.ODOO_PATH / 'addons'},{REPO}",
    ]


def create_database(db, log_path):
    """A fresh database with the addon installed (no demo data)."""
    odoo_tests.clone_db(odoo_tests.template_db(), db)
    code, log = odoo_tests.run_odoo(db, "-i", ADDON, "--without-demo", "all",
                                    log_path=log_path)
    if code != 0:
        raise RuntimeError(f"installing {ADDON} into {db} failed (exit {code}):\n{log[-3000:]}")


def drop_database(db):
    odoo_tests.drop_db(db)


def configure_database(db, settings, log_path, script=SETUP_SCRIPT):
    """Run ``script`` (default ``odoo_setup.py``) in ``odoo-bin shell``; return what it reports
    on its ``REL_SETUP_RESULT`` line."""
    env = {**os.environ, "REL_SETUP": json.dumps(settings), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [*base_args(db, "shell"), "--no-http", "--log-level", "warn"]
    with open(script, "rb") as stdin, open(log_path, "w") as log:
        proc = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=log, env=env,
                              check=False, timeout=300)
    out = proc.stdout.decode(errors="replace")
    for line in out.splitlines():
        if line.startswith("REL_SETUP_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    raise RuntimeError(f"configuring {db} failed (exit {proc.returncode}):\n{out[-2000:]}\n"
                       f"{Path(log_path).read_text(errors='replace')[-3000:]}")


def run_shell(db, code, log_path, timeout=180):
    """Run Python ``code`` in ``odoo-bin shell`` on ``db`` (it must commit itself)."""
    cmd = [*base_args(db, "shell"), "--no-http", "--log-level", "warn"]
    with open(log_path, "a") as log:
        proc = subprocess.run(cmd, input=code.encode(), stdout=subprocess.PIPE, stderr=log,
                              check=False, timeout=timeout)
    return proc.stdout.decode(errors="replace")


# ------------------------------------------------------------
# The server
# ------------------------------------------------------------

@dataclass
class OdooServer:
    db: str
    port: int
    log_path: Path
    proxy_url: str
    ca_bundle: str
    smtp_port: int
    workers: int = 2
    proc: subprocess.Popen | None = None
    extra_env: dict = field(default_factory=dict)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=180):
        cmd = [
            *base_args(self.db),
            "--http-interface", "127.0.0.1", "--http-port", str(self.port),
            "--gevent-port", str(odoo_tests.free_port()),
            f"--workers={self.workers}", "--max-cron-threads=2",
            "--db-filter", f"^{self.db}$", "--no-database-list",
            "--limit-time-real", "120", "--limit-time-cpu", "90",
            "--limit-request", "100000",
            "--smtp", "127.0.0.1", "--smtp-port", str(self.smtp_port),
            "--email-from", "odoo@autolaval.example",
            "--logfile", str(self.log_path), "--log-level", "info",
        ]
        env = {
            **os.environ, "PYTHONDONTWRITEBYTECODE": "1",
            "HTTPS_PROXY": self.proxy_url, "https_proxy": self.proxy_url,
            "HTTP_PROXY": "", "http_proxy": "",
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
            "REQUESTS_CA_BUNDLE": self.ca_bundle, **self.extra_env,
        }
        console = open(self.log_path.with_suffix(".console"), "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, env=env, stdout=console, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        console.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                console = self.log_path.with_suffix(".console").read_text(errors="replace")
                raise RuntimeError(f"Odoo exited ({self.proc.returncode}):\n{console[-2000:]}\n"
                                   f"{self.log_tail()}")
            try:
                status, _h, _b = http_request("GET", f"{self.url}/web/health", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer /web/health in {timeout} s:\n{self.log_tail()}")

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=80):
        return "\n".join(self.log_text().splitlines()[-lines:])

    def child_pids(self):
        """The worker processes of the prefork master."""
        return [int(pid) for pid in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
                .read_text().split()]

    def pids_connected_to(self, port):
        """Worker pids holding a TCP connection to 127.0.0.1:``port`` (e.g. the proxy)."""
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                remote_port = int(parts[2].rsplit(":", 1)[1], 16)
                if remote_port == port and parts[3] == "01":  # ESTABLISHED
                    inodes.add(parts[9])
        found = []
        for pid in self.child_pids():
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}")
                         for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:
                continue
            if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
                found.append(pid)
        return found


# ------------------------------------------------------------
# Clients
# ------------------------------------------------------------

def http_request(method, url, body=None, headers=None, timeout=120):
    """One HTTP request with the standard library; return ``(status, headers, body)``."""
    host_port, _sep, path = url.removeprefix("http://").partition("/")
    host, _sep, port = host_port.partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class JsonRpc:
    """``/jsonrpc`` (execute_kw) as a user with a password."""

    _ids = itertools.count(1)

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = self._call("common", "login", [db, login, password])
        if not self.uid:
            raise RuntimeError(f"JSON-RPC login of {login} failed")

    def _call(self, service, method, args):
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": next(self._ids),
                              "params": {"service": service, "method": method, "args": args}})
        _status, _h, body = http_request("POST", f"{self.url}/jsonrpc", payload,
                                         {"Content-Type": "application/json"}, timeout=300)
        answer = json.loads(body)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self._call("object", "execute_kw",
                          [self.db, self.uid, self.password, model, method, list(args), kwargs])


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        super().__init__(f"{data.get('name')}: {data.get('message')}\n{data.get('debug', '')}")
        self.error = error


def basic_auth(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def psql(db, sql):
    """Rows of ``sql`` on ``db`` as a list of dicts (through ``psql``, JSON)."""
    query = f"SELECT coalesce(json_agg(t), '[]'::json) FROM ({sql}) t"
    out = subprocess.run(["psql", "-d", db, "-Atc", query], capture_output=True, text=True,
                         env=odoo_tests.psql_env(), check=True)
    return json.loads(out.stdout)
