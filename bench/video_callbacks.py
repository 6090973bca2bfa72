"""Callbacks to Odoo under faults, measured from outside the gateway process.

1. SIGTERM with a slow Odoo (0.5 s per callback): N rooms leave 2N callbacks; the gateway is
   stopped right away, then restarted on the same state directory. Reports how many were
   delivered before the exit, after the restart, and lost (the issue measured 10 of 20 lost).
2. A failing room beside healthy ones: one room's callbacks get 503; reports when the healthy
   rooms' callbacks arrive (the issue: delayed about an hour behind the failing one).
3. Throughput to a fast receiver: callbacks delivered per second with the disk spool vs the
   in-memory outbox (the baseline, same run), for the cost of durability.

    .venv/bin/python bench/video_callbacks.py [ROOMS]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]),
                str(Path(__file__).resolve().parents[1] / "tests" / "gateway")]

import websockets
from gw_helpers import FakeOdoo, GatewayProcess, new_room, token


async def wait_and_leave(ws_url: str, room: str) -> None:
    async with websockets.connect(f"{ws_url}?t={token(room)}", open_timeout=30) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "hangup"}))
        async for raw in ws:
            if json.loads(raw)["type"] == "ended":
                break


def distinct(odoo: FakeOdoo) -> set[str]:
    return {e["event_id"] for e in odoo.events()}


async def sigterm_with_slow_odoo(rooms: int) -> None:
    odoo = FakeOdoo()
    odoo.delay = 0.5
    state = tempfile.mkdtemp(prefix="bench-cb-")
    env = {"GATEWAY_ODOO_URL": odoo.url, "GATEWAY_STATE_DIR": state,
           "GATEWAY_SHUTDOWN_DRAIN_SECONDS": "5", "GATEWAY_CALLBACK_CONCURRENCY": "1"}
    first = GatewayProcess(env)
    for _ in range(rooms):
        await wait_and_leave(first.ws, new_room())
    started = time.monotonic()
    first.stop()
    stop_seconds = time.monotonic() - started
    before = len(distinct(odoo))
    second = GatewayProcess(env)
    deadline = time.monotonic() + 120
    while len(distinct(odoo)) < 2 * rooms and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    total = len(distinct(odoo))
    second.stop()
    odoo.close()
    print(f"sigterm, slow Odoo: {2 * rooms} callbacks, exit after {stop_seconds:.1f} s, "
          f"{before} delivered before exit, {total - before} after restart, "
          f"{2 * rooms - total} lost")


async def failing_room_beside_healthy(rooms: int) -> None:
    odoo = FakeOdoo()
    gateway = GatewayProcess({"GATEWAY_ODOO_URL": odoo.url})
    failing = new_room()
    odoo.failing_rooms.add(failing)
    await wait_and_leave(gateway.ws, failing)
    await asyncio.sleep(2)  # the failing room is in its backoff
    started = time.monotonic()
    healthy = [new_room() for _ in range(rooms)]
    for room in healthy:
        await wait_and_leave(gateway.ws, room)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = {e["room"] for e in odoo.events() if e["event"] == "session_ended"}
        if done >= set(healthy):
            break
        await asyncio.sleep(0.05)
    elapsed = time.monotonic() - started
    attempts = sum(json.loads(r["body"])["room"] == failing for r in odoo.requests)
    gateway.stop()
    odoo.close()
    print(f"failing room beside {rooms} healthy: all healthy rooms delivered {elapsed:.2f} s "
          f"after their first join (joins included); failing room retried {attempts} times")


async def throughput(rooms: int, durable: bool) -> float:
    odoo = FakeOdoo()
    env = {"GATEWAY_ODOO_URL": odoo.url}
    if durable:
        env["GATEWAY_STATE_DIR"] = tempfile.mkdtemp(prefix="bench-cb-")
    gateway = GatewayProcess(env)
    started = time.monotonic()
    await asyncio.gather(*(wait_and_leave(gateway.ws, new_room()) for _ in range(rooms)))
    while len(distinct(odoo)) < 2 * rooms:
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - started
    gateway.stop()
    odoo.close()
    return 2 * rooms / elapsed


async def main(rooms: int) -> None:
    await sigterm_with_slow_odoo(10)
    await failing_room_beside_healthy(rooms)
    memory = await throughput(rooms, durable=False)
    spool = await throughput(rooms, durable=True)
    print(f"throughput, {rooms} rooms joined at once: memory outbox {memory:.0f} callbacks/s "
          f"(baseline), disk spool {spool:.0f} callbacks/s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
