"""Fixtures for the gateway tests (helpers live in ``gw_helpers``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gw_helpers import FakeOdoo, GatewayProcess, PrivateRedis


@pytest.fixture
def fake_odoo() -> Iterator[FakeOdoo]:
    odoo = FakeOdoo()
    yield odoo
    odoo.close()


@pytest.fixture
def gateway(fake_odoo: FakeOdoo) -> Iterator[GatewayProcess]:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_RING_TIMEOUT": "60"})
    yield proc
    proc.stop()


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    import shutil

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()
