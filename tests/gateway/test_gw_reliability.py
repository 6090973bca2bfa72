"""The real gateway process under faults: restarts, a failing Odoo room, Redis lost, caps.

Callbacks are accepted into a durable outbox and delivered room by room; Redis fails
closed (a used link stays used, 503 with a reason while it is unreachable).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal

import pytest
import websockets
from gw_helpers import (
    FakeOdoo,
    GatewayProcess,
    PrivateRedis,
    http_request,
    new_room,
    token,
)
from websockets.exceptions import InvalidStatus


async def refused(url: str) -> tuple[int, dict]:
    with pytest.raises(InvalidStatus) as err:
        async with websockets.connect(url, open_timeout=10):
            pass
    response = err.value.response
    return response.status_code, json.loads(response.body or b"{}")


async def wait_and_leave(ws_url: str, room: str) -> None:
    """A customer waits (``customer_waiting``) then hangs up (``session_ended``)."""
    async with websockets.connect(f"{ws_url}?t={token(room)}", open_timeout=10) as ws:
        json.loads(await ws.recv())
        await ws.send(json.dumps({"type": "hangup"}))
        async for raw in ws:
            if json.loads(raw)["type"] == "ended":
                break


def by_room(events: list[dict]) -> dict[str, list[str]]:
    """Each room's distinct events in first-delivery order (redeliveries share an id)."""
    seen: set[str] = set()
    rooms: dict[str, list[str]] = {}
    for event in events:
        if event["event_id"] not in seen:
            seen.add(event["event_id"])
            rooms.setdefault(event["room"], []).append(event["event"])
    return rooms


async def test_callbacks_pending_at_sigterm_are_delivered_after_restart(
        fake_odoo: FakeOdoo, tmp_path) -> None:
    fake_odoo.delay = 0.5  # a slow Odoo: 20 callbacks cannot all go out in the drain time
    env = {"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_STATE_DIR": str(tmp_path / "state"),
           "GATEWAY_SHUTDOWN_DRAIN_SECONDS": "1", "GATEWAY_CALLBACK_CONCURRENCY": "1"}
    first = GatewayProcess(env)
    rooms = [new_room() for _ in range(10)]
    for room in rooms:
        await wait_and_leave(first.ws, room)
    assert first.stop() == 0  # exited by itself, within the drain time
    assert "still pending at shutdown" in "".join(first.lines)
    assert len(by_room(fake_odoo.events())) < 10
    second = GatewayProcess(env)
    expected = {room: ["customer_waiting", "session_ended"] for room in rooms}
    try:
        delivered = await asyncio.to_thread(_wait_delivered, fake_odoo, expected)
    finally:
        second.stop()
    assert delivered == expected


async def test_a_failing_room_does_not_hold_back_another_room(
        fake_odoo: FakeOdoo, gateway: GatewayProcess) -> None:
    failing, healthy = new_room(), new_room()
    fake_odoo.failing_rooms.add(failing)
    await wait_and_leave(gateway.ws, failing)
    await asyncio.to_thread(_wait_requests, fake_odoo, failing, 2)  # it is being retried
    await wait_and_leave(gateway.ws, healthy)
    fake_odoo.wait_for("session_ended", room=healthy, timeout=20)
    assert not [e for e in fake_odoo.events() if e["room"] == failing]  # still failing
    fake_odoo.failing_rooms.clear()
    fake_odoo.wait_for("session_ended", room=failing, timeout=60)
    assert by_room(fake_odoo.events())[failing] == ["customer_waiting", "session_ended"]


def _wait_delivered(odoo: FakeOdoo, expected: dict[str, list[str]]) -> dict[str, list[str]]:
    import time

    deadline = time.monotonic() + 60
    with odoo.cond:
        while (delivered := by_room(odoo.events())) != expected and time.monotonic() < deadline:
            odoo.cond.wait(0.5)
    return delivered


def _wait_requests(odoo: FakeOdoo, room: str, count: int) -> None:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with odoo.cond:
            if sum(json.loads(r["body"])["room"] == room for r in odoo.requests) >= count:
                return
            odoo.cond.wait(0.5)
    raise AssertionError(f"fewer than {count} attempts for the failing room")


@pytest.fixture
def two_replicas(fake_odoo: FakeOdoo, private_redis: PrivateRedis):
    env = {"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_REDIS_URL": private_redis.url}
    one = GatewayProcess({**env, "GATEWAY_REPLICA_ID": "one"})
    two = GatewayProcess({**env, "GATEWAY_REPLICA_ID": "two"})
    yield one, two, fake_odoo
    one.stop()
    two.stop()


async def test_used_link_stays_used_after_redis_restarts_empty(
        two_replicas, private_redis: PrivateRedis) -> None:
    one, two, _odoo = two_replicas
    room = new_room()
    link = token(room)
    async with websockets.connect(f"{one.ws}?t={link}", open_timeout=10) as customer:
        assert json.loads(await customer.recv())["type"] == "welcome"
        private_redis.restart_empty()
        for replica in (one, two):
            assert await refused(f"{replica.ws}?t={link}") == (
                403, {"error": "token_before_reset"})
        await customer.send(json.dumps({"type": "ping"}))
        assert json.loads(await customer.recv()) == {"type": "pong"}  # seat not taken over
    # a link minted after the reset works (those of the reset's own second do not)
    await asyncio.sleep(1.1)
    async with websockets.connect(f"{two.ws}?t={token(new_room())}", open_timeout=10) as ws:
        assert json.loads(await ws.recv())["phase"] == "waiting"


async def test_redis_outage_is_a_503_with_a_reason_not_a_500(
        two_replicas, private_redis: PrivateRedis) -> None:
    one, _two, fake_odoo = two_replicas
    room = new_room()
    customer = await websockets.connect(f"{one.ws}?t={token(room)}", open_timeout=10)
    json.loads(await customer.recv())
    private_redis.stop()
    # a session ending during the outage: its callback is accepted and waits for Redis
    await customer.send(json.dumps({"type": "hangup"}))
    with contextlib.suppress(websockets.ConnectionClosed):
        async for _raw in customer:
            pass
    status, _headers, body = await asyncio.to_thread(http_request, one.http + "/healthz")
    health = json.loads(body)
    assert (status, health["status"], health["reason"]) == (503, "degraded",
                                                            "redis_unreachable")
    status, body = await refused(f"{one.ws}?t={token(new_room())}")
    assert (status, body["error"]) == (503, "store_unavailable")
    assert body["message"]
    private_redis.start()
    status, _headers, body = await asyncio.to_thread(http_request, one.http + "/healthz")
    assert (status, json.loads(body)["status"]) == (200, "ok")
    [ended] = await asyncio.to_thread(fake_odoo.wait_for, "session_ended", 30, 1, room)
    assert ended["outcome"] == "customer_left"


async def test_callbacks_of_a_lost_replica_are_delivered_by_the_other(
        two_replicas, fake_odoo: FakeOdoo) -> None:
    one, _two, _odoo = two_replicas
    room = new_room()
    fake_odoo.failing_rooms.add(room)
    await wait_and_leave(one.ws, room)
    await asyncio.to_thread(_wait_requests, fake_odoo, room, 1)
    os.kill(one.proc.pid, signal.SIGKILL)  # the replica is lost, its callbacks are not
    one.proc.wait()
    fake_odoo.failing_rooms.clear()
    fake_odoo.wait_for("session_ended", room=room, timeout=60)
    assert by_room(fake_odoo.events())[room] == ["customer_waiting", "session_ended"]


async def test_connection_cap_holds_in_redis_mode_under_a_burst(
        fake_odoo: FakeOdoo, private_redis: PrivateRedis) -> None:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url,
                           "GATEWAY_REDIS_URL": private_redis.url,
                           "GATEWAY_MAX_CONNECTIONS": "5"})
    sockets = []

    async def join() -> int:
        try:
            sockets.append(await websockets.connect(f"{proc.ws}?t={token(new_room())}",
                                                    open_timeout=20))
            return 101
        except InvalidStatus as exc:
            assert json.loads(exc.response.body)["error"] == "busy"
            return exc.response.status_code

    try:
        statuses = await asyncio.gather(*(join() for _ in range(20)))
    finally:
        for ws in sockets:
            await ws.close()
        proc.stop()
    assert sorted(statuses) == [101] * 5 + [503] * 15


def test_a_request_with_a_body_gets_405(gateway: GatewayProcess) -> None:
    status, headers, body = http_request(gateway.http + "/healthz", "POST", b'{"x": 1}',
                                         {"Content-Type": "application/json"})
    assert (status, json.loads(body)["error"]) == (405, "method_not_allowed")
    assert headers["Allow"] == "GET, HEAD"


def test_head_answers_the_get_headers_without_a_body(gateway: GatewayProcess) -> None:
    status, headers, body = http_request(gateway.http + "/healthz", "HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) > 0
    assert headers["Content-Type"] == "application/json"


async def test_deeply_nested_json_is_an_error_reply_on_an_open_socket(
        gateway: GatewayProcess) -> None:
    async with websockets.connect(f"{gateway.ws}?t={token(new_room())}") as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["phase"] == "waiting"
        await ws.send("[" * 30000 + "]" * 30000)
        error = json.loads(await ws.recv())
        assert (error["type"], error["code"]) == ("error", "bad_message")
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}


async def test_a_session_live_at_sigterm_is_reported_failed_to_odoo(
        fake_odoo: FakeOdoo, tmp_path) -> None:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url,
                           "GATEWAY_STATE_DIR": str(tmp_path / "state")})
    room = new_room()
    async with websockets.connect(f"{proc.ws}?t={token(room)}", open_timeout=10) as ws:
        json.loads(await ws.recv())
        fake_odoo.wait_for("customer_waiting", room=room)
        await asyncio.to_thread(proc.stop)
        messages = []
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                messages.append(json.loads(raw))
    assert {"type": "ended", "outcome": "failed"} in messages
    [ended] = fake_odoo.wait_for("session_ended", room=room)
    assert ended["outcome"] == "failed"
