"""The integrator's docker-compose.yml is valid and describes the whole stack.

Validated with Debian's docker-compose, which runs `config` without a Docker engine.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE = shutil.which("docker-compose")
pytestmark = pytest.mark.skipif(COMPOSE is None, reason="docker-compose is not installed")


def compose_config(env_file, tmp_path):
    env = tmp_path / ".env"
    env.write_text(env_file.read_text() if isinstance(env_file, Path) else env_file)
    return subprocess.run(
        [COMPOSE, "--env-file", str(env), "-f", str(REPO / "docker-compose.yml"), "config"],
        capture_output=True, text=True, cwd=REPO, check=False,
    )


@pytest.fixture
def config(tmp_path):
    result = compose_config(REPO / ".env.example", tmp_path)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_file_is_valid_with_the_example_env(config):
    assert set(config["services"]) == {
        "db", "odoo", "redis", "gateway", "gateway-proxy", "coturn",
    }


def test_compose_refuses_to_start_without_secrets(tmp_path):
    result = compose_config("", tmp_path)
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in result.stderr + result.stdout


def test_odoo_service_mounts_the_addon_on_the_official_odoo_19_image(config):
    odoo = config["services"]["odoo"]
    assert any("/mnt/extra-addons/dealer_lead_addon" in str(v) for v in odoo["volumes"])
    dockerfile = REPO / "deploy/odoo/Dockerfile"
    assert dockerfile.read_text().splitlines()[1] == "FROM odoo:19.0"
    assert "phonenumbers" in dockerfile.read_text()


def test_gateway_runs_two_replicas_with_redis_behind_a_room_affine_proxy(config):
    gateway = config["services"]["gateway"]
    assert gateway["deploy"]["replicas"] == 2
    assert gateway["environment"]["GATEWAY_REDIS_URL"].startswith("redis://redis:")
    assert gateway["environment"]["GATEWAY_ENV"] == "production"
    haproxy = (REPO / "deploy/haproxy/haproxy.cfg").read_text()
    assert "balance url_param room" in haproxy
    assert "hash-type consistent" in haproxy


def test_gateway_image_is_built_from_its_own_dockerfile(config):
    build = config["services"]["gateway"]["build"]
    assert Path(build["context"], build["dockerfile"]).resolve() == (
        REPO / "video_gateway/Dockerfile"
    )
    assert (REPO / "video_gateway/Dockerfile").exists()


def test_coturn_uses_the_turn_rest_shared_secret(config):
    command = " ".join(config["services"]["coturn"]["command"])
    assert "--use-auth-secret" in command
    assert "--static-auth-secret=change-me-turn-secret" in command
