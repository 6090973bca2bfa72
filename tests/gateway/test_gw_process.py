"""The gateway as a real process: health, websocket, configuration errors, SIGTERM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import websockets
from gw_helpers import REPO, GatewayProcess, new_room, token


def test_health_endpoint_answers_json_over_a_real_socket(gateway: GatewayProcess) -> None:
    with urllib.request.urlopen(gateway.http + "/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        body = json.loads(response.read())
    assert body["status"] == "ok"
    assert body["store"] == "memory"


async def test_websocket_welcomes_a_valid_token(gateway: GatewayProcess) -> None:
    async with websockets.connect(f"{gateway.ws}?t={token(new_room())}") as ws:
        welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome"
    assert welcome["role"] == "customer"
    assert welcome["resume_token"]


def test_sigterm_exits_zero(fake_odoo: object) -> None:
    proc = GatewayProcess({})
    assert proc.stop() == 0


def test_production_without_secret_refuses_to_start_with_a_clear_message() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update(GATEWAY_ENV="production", GATEWAY_PUBLIC_URL="https://video.example",
               GATEWAY_ODOO_URL="http://odoo:8069")
    result = subprocess.run([sys.executable, "-m", "video_gateway"], cwd=REPO, env=env, check=False,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "GATEWAY_SECRET" in result.stderr


def test_dockerfile_runs_the_gateway_as_non_root_with_a_health_check() -> None:
    dockerfile = (REPO / "video_gateway/Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.12-slim" in dockerfile
    assert "\nUSER gateway" in dockerfile
    assert "EXPOSE 8765" in dockerfile
    assert "/healthz" in dockerfile.split("HEALTHCHECK", 1)[1]
    assert 'CMD ["python", "-m", "video_gateway"]' in dockerfile
