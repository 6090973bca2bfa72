"""Shared helpers of the video benchmarks: a gateway subprocess, tokens, CPU of a process."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from video_gateway.tokens import mint_join_token

SECRET = "bench-secret-" + "b" * 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def room_id() -> str:
    return secrets.token_urlsafe(24)


def token(room: str, role: str = "customer", **claims: object) -> str:
    sub = "7" if role == "advisor" else "customer"
    return mint_join_token(SECRET, room=room, role=role, sub=sub, name="Bench",
                           dealer="Bench Motors", lead=1, **claims)  # type: ignore[arg-type]


def start_gateway(env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], int]:
    full = {**os.environ, "GATEWAY_SECRET": SECRET, "GATEWAY_PORT": "0",
            "GATEWAY_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1", **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "video_gateway"], cwd=REPO, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for _ in range(50):
        line = proc.stdout.readline()
        match = re.search(r"ready on [\d.]+:(\d+)", line)
        if match:
            return proc, int(match.group(1))
    proc.kill()
    raise RuntimeError("gateway did not start")


def cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def now() -> float:
    return time.perf_counter()


if __name__ == "__main__":
    print("helpers of bench/video_*.py: nothing to measure here")
