#!/usr/bin/env python3
"""Run dealer_lead_addon's tests inside a real Odoo 19 on the local PostgreSQL.

Finds Odoo through ODOO_PATH (folder holding odoo-bin, default /opt/odoo19) and ODOO_PYTHON
(default $ODOO_PATH/.venv/bin/python). Creates a throw-away database (cloned from a cached
template that holds only the addon's Odoo dependencies, to save minutes), installs the addon,
checks that the install logged no warning, runs the tests tagged /dealer_lead_addon, and writes
the counts to a JSON file for the top-level summary. Without Odoo it prints a loud SKIPPED line.

Environment:
  ODOO_TEST_TAGS   test tags (default /dealer_lead_addon)
  ODOO_TEST_DB     database name (default dealer_test_<pid>), dropped unless ODOO_KEEP_DB=1
  ODOO_DB_HOST / ODOO_DB_USER / ODOO_DB_PORT   PostgreSQL (default 127.0.0.1 / current user / 5432)
  ODOO_NO_TEMPLATE=1   install the dependencies into the fresh database instead of cloning
  DEALER_TEST_CLOCK  run the install and the tests with the wall clock starting at that
                   instant, ticking: "2026-12-01 03:00" is Montreal local time, an ISO offset
                   picks another zone ("2026-12-01T03:00+09:00"). Tests that freeze time keep
                   their own instant; the others see that hour. See scripts/odoo_clock.py
                   (freezegun with tick=True, and PostgreSQL's now() moved as much).
                   `make test-clock` runs the suite at 03:00, 07:45 and 23:30 Montreal.
"""

import ast
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "dealer_lead_addon"
SUMMARY_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (WARNING|ERROR|CRITICAL) ")


def env(name, default):
    return os.environ.get(name) or default


ODOO_PATH = Path(env("ODOO_PATH", "/opt/odoo19"))
ODOO_PYTHON = Path(env("ODOO_PYTHON", str(ODOO_PATH / ".venv/bin/python")))
DB_HOST = env("ODOO_DB_HOST", "127.0.0.1")
DB_PORT = env("ODOO_DB_PORT", "5432")
DB_USER = env("ODOO_DB_USER", os.environ.get("USER") or "root")
DATA_DIR = Path(env("ODOO_DATA_DIR", str(Path.home() / ".local/share/Odoo")))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql_env():
    return {**os.environ, "PGHOST": DB_HOST, "PGPORT": DB_PORT, "PGUSER": DB_USER}


def db_exists(name):
    out = subprocess.run(
        ["psql", "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, env=psql_env(), check=False,
    )
    return out.stdout.strip() == "1"


def drop_db(name):
    subprocess.run(["dropdb", "--if-exists", "--force", name], env=psql_env(), check=False,
                   capture_output=True)
    shutil.rmtree(DATA_DIR / "filestore" / name, ignore_errors=True)


def odoo_cmd(db, *args, clock=None):
    launcher = [str(REPO / "scripts/odoo_clock.py"), clock] if clock else []
    return [
        str(ODOO_PYTHON), *launcher, str(ODOO_PATH / "odoo-bin"),
        "-d", db, "--db_host", DB_HOST, "--db_port", DB_PORT, "--db_user", DB_USER,
        "--data-dir", str(DATA_DIR),
        "--addons-path", f"{ODOO_PATH / 'addons'},{REPO}",
        "--http-interface", "127.0.0.1", "--http-port", str(free_port()),
        "--gevent-port", str(free_port()),
        "--stop-after-init", "--max-cron-threads", "0", *args,
    ]


def run_odoo(db, *args, log_path, clock=None):
    with open(log_path, "w") as log:
        proc = subprocess.run(odoo_cmd(db, *args, clock=clock), stdout=log,
                              stderr=subprocess.STDOUT, check=False,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return proc.returncode, Path(log_path).read_text(errors="replace")


# installed beside the addon's dependencies for its tests only: Odoo's demo payment provider,
# so that a payment runs through a real provider's flow (never a dependency of the addon)
TEST_ONLY_MODULES = ["payment_demo"]


def addon_dependencies():
    manifest = ast.literal_eval((REPO / ADDON / "__manifest__.py").read_text())
    return sorted(set(manifest["depends"]) | set(TEST_ONLY_MODULES))


def template_db():
    """Return a database holding the addon's dependencies only, building it once per deps set."""
    deps = addon_dependencies()
    digest = hashlib.sha1(",".join(deps).encode()).hexdigest()[:10]
    name = f"dealer_deps_{digest}"
    if db_exists(name):
        return name
    print(f"dealer_lead_addon: building template database {name} ({', '.join(deps)})", flush=True)
    code, _log = run_odoo(name, "-i", ",".join(deps), "--without-demo", "all",
                         log_path=f"/tmp/{name}.log")
    if code != 0:
        drop_db(name)
        sys.exit(f"dealer_lead_addon: could not build the template database, see /tmp/{name}.log")
    return name


def clone_db(template, name):
    drop_db(name)
    subprocess.run(["createdb", "-T", template, name], env=psql_env(), check=True)
    src = DATA_DIR / "filestore" / template
    if src.exists():
        shutil.copytree(src, DATA_DIR / "filestore" / name)


def install_warnings(log):
    """Warnings and errors logged while installing, before any test ran."""
    install_part = log.split("Starting post tests")[0]
    return [line for line in install_part.splitlines() if LOG_LINE_RE.match(line)]


def write_result(result):
    out = os.environ.get("ODOO_RESULT_FILE")
    if out:
        Path(out).write_text(json.dumps(result))
    print(f"dealer_lead_addon: {result['passed']} passed, {result['failed']} failed"
          + (f", {result['skipped']} skipped" if result.get("skipped") else ""), flush=True)


def ensure_browser_test_client():
    """Odoo drives Chromium for its browser tests (tours, Hoot) with ``websocket-client``, which
    is not in Odoo's requirements: without it Odoo silently skips those tests."""
    probe = subprocess.run([str(ODOO_PYTHON), "-c", "import websocket"], capture_output=True,
                           check=False)
    if probe.returncode:
        print("dealer_lead_addon: installing websocket-client into Odoo's Python", flush=True)
        subprocess.run([str(ODOO_PYTHON), "-m", "pip", "install", "-q", "websocket-client"],
                       check=False)


def main():
    if not (ODOO_PATH / "odoo-bin").exists() or not ODOO_PYTHON.exists():
        print("=" * 78)
        print(f"dealer_lead_addon: SKIPPED (Odoo 19 not found at {ODOO_PATH} "
              f"with python {ODOO_PYTHON}; set ODOO_PATH / ODOO_PYTHON, see README)")
        print("=" * 78, flush=True)
        write_result({"passed": 0, "failed": 0, "skipped": 1, "odoo": "absent"})
        return 0
    ensure_browser_test_client()
    tags = env("ODOO_TEST_TAGS", f"/{ADDON}")
    db = env("ODOO_TEST_DB", f"dealer_test_{os.getpid()}")
    if os.environ.get("ODOO_NO_TEMPLATE"):
        drop_db(db)
        init = ADDON
    else:
        clone_db(template_db(), db)
        init = ADDON
    log_path = f"/tmp/{db}.log"
    clock = os.environ.get("DEALER_TEST_CLOCK")
    print(f"dealer_lead_addon: installing into {db} and running tests {tags} (log: {log_path})"
          + (f" with the clock starting at {clock}" if clock else ""), flush=True)
    code, log = run_odoo(db, "-i", init, "--test-tags", tags, "--log-level", "test",
                         log_path=log_path, clock=clock)
    if not os.environ.get("ODOO_KEEP_DB"):
        drop_db(db)
    match = SUMMARY_RE.findall(log)
    warnings = install_warnings(log)
    for line in warnings:
        print(f"dealer_lead_addon: install log: {line}")
    for line in log.splitlines():
        if re.search(r" (ERROR|CRITICAL) .*(FAIL|ERROR):", line) or line.startswith("FAIL:"):
            print(line)
    if not match:
        print(log[-4000:])
        print(f"dealer_lead_addon: no test summary in the Odoo log (exit {code}): a failure")
        write_result({"passed": 0, "failed": 1})
        return 1
    failed, errors, total = (int(x) for x in match[-1])
    install_clean = not warnings
    result = {
        "passed": total - failed - errors + int(install_clean),
        "failed": failed + errors + int(not install_clean),
    }
    write_result(result)
    return 1 if result["failed"] or code else 0


if __name__ == "__main__":
    sys.exit(main())
