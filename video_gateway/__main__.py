"""``python -m video_gateway``: run one gateway replica until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import os
import signal
import sys
import time
from typing import Any

from redis.exceptions import RedisError

from .odoo_client import OdooClient
from .outbox import MemoryOutbox, Outbox, RedisOutbox, SpoolOutbox
from .recorder import RecorderPool, configure_ice
from .server import Gateway
from .settings import Settings, SettingsError
from .store import RedisStore, make_store
from .turn import ice_servers


def recorder_ice_servers(settings: Settings, room: str) -> list[dict[str, Any]]:
    """TURN for the recorder peer: aioice uses one TURN server (the first URL)."""
    servers = ice_servers(settings, room, "recorder", time.time())
    turn = [s for s in servers if "username" in s]
    return [{"urls": turn[0]["urls"][0], "username": turn[0]["username"],
             "credential": turn[0]["credential"]}] if turn else []


def make_outbox(settings: Settings, store: Any) -> Outbox:
    """Redis streams with several replicas, else a spool directory, else memory (dev)."""
    if isinstance(store, RedisStore):
        return RedisOutbox(store.redis, settings.replica_id)
    if settings.state_dir:
        return SpoolOutbox(os.path.join(settings.state_dir, "callbacks"))
    logging.getLogger(__name__).warning(
        "GATEWAY_STATE_DIR is not set: callbacks to Odoo are lost on a restart")
    return MemoryOutbox()


async def run(settings: Settings) -> None:
    spent_file = (os.path.join(settings.state_dir, "spent-jtis")
                  if settings.state_dir else "")
    if spent_file:
        os.makedirs(settings.state_dir, exist_ok=True)
    store = make_store(settings.redis_url, spent_file)
    if isinstance(store, RedisStore):
        await store.ping()  # fail fast on a wrong GATEWAY_REDIS_URL
        await store.epoch(time.time(), startup=True)  # the epoch exists before any token
    odoo = OdooClient(settings.odoo_url, settings.secret, outbox=make_outbox(settings, store),
                      max_age=settings.callback_max_age,
                      concurrency=settings.callback_concurrency)
    configure_ice(loopback=settings.recorder_ice_loopback,
                  interfaces=settings.recorder_ice_interfaces)
    recorders = RecorderPool(max_seconds=settings.recording_max_seconds,
                             ice_servers=functools.partial(recorder_ice_servers, settings))
    gateway = Gateway(settings, store, odoo, recorders=recorders)
    # handle SIGTERM before the port opens: a supervisor may stop us as soon as we answer
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await gateway.start()
    # warm aiortc/av up now (~0.4 s), not on the first consented recording
    warm = asyncio.get_running_loop().run_in_executor(None, importlib.import_module, "aiortc")
    print(f"video_gateway ready on {settings.host}:{gateway.port}", flush=True)
    await stop.wait()
    await warm
    logging.getLogger(__name__).info("shutting down")
    await gateway.stop()


def main() -> int:
    logging.basicConfig(level=os.environ.get("GATEWAY_LOG_LEVEL", "INFO").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the access log of websockets would print tokens from query strings: keep it quiet
    logging.getLogger("websockets").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        print(f"video_gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    if not settings.production and not os.environ.get("GATEWAY_SECRET"):
        print("video_gateway: development mode with a random secret (set GATEWAY_SECRET)",
              file=sys.stderr)
    try:
        asyncio.run(run(settings))
    except (OSError, RedisError) as exc:
        print(f"video_gateway: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
