"""The callback outbox without a gateway: durable spool, per-room order and backoff."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from video_gateway.odoo_client import OdooClient
from video_gateway.outbox import SpoolOutbox
from video_gateway.store import MemoryStore

T0 = 1_800_000_000.0
ROOM_A, ROOM_B = "a" * 24, "b" * 24


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


class Receiver:
    """A stand-in Odoo: statuses per room (default 200), every request recorded."""

    def __init__(self) -> None:
        self.status: dict[str, int] = {}
        self.posts: list[dict[str, Any]] = []

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        payload = json.loads(body)
        status = self.status.get(payload["room"], 200)
        self.posts.append({**payload, "status": status})
        return status

    def accepted(self, room: str) -> list[str]:
        return [p["event"] for p in self.posts if p["room"] == room and p["status"] == 200]


async def settle(client: OdooClient) -> None:
    """Let the client work until nothing is due, being delivered or being stored."""
    for _ in range(200):
        await asyncio.sleep(0.01)
        due = await client.outbox.due_rooms(client._clock(), 10)
        if not client._active and not client._intake and not due:
            return


@pytest.fixture
async def clients():
    made: list[OdooClient] = []

    def make(outbox: Any, receiver: Receiver, clock: Any = None) -> OdooClient:
        client = OdooClient("http://odoo", "s", outbox=outbox, post=receiver.post,
                            clock=clock or Clock(), poll_interval=0.01)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def test_spooled_callbacks_survive_a_new_process_in_order(tmp_path) -> None:
    spool = SpoolOutbox(tmp_path)
    for event in ("customer_waiting", "advisor_joined", "session_ended"):
        await spool.append(ROOM_A, {"event": event, "room": ROOM_A}, T0)
    spool.close()
    again = SpoolOutbox(tmp_path)
    assert await again.due_rooms(T0, 10) == [ROOM_A]
    order = []
    while (entry := await again.head(ROOM_A)) is not None:
        order.append(entry[1]["event"])
        await again.ack(ROOM_A, entry[0])
    assert order == ["customer_waiting", "advisor_joined", "session_ended"]
    assert await again.pending() == 0


def test_a_spool_cannot_be_shared_by_two_processes(tmp_path) -> None:
    first = SpoolOutbox(tmp_path)
    with pytest.raises(OSError, match="another gateway"):
        SpoolOutbox(tmp_path)
    first.close()


async def test_failing_room_backs_off_alone_while_the_other_is_delivered(
        tmp_path, clients) -> None:
    receiver, clock = Receiver(), Clock()
    receiver.status[ROOM_A] = 503
    client = clients(SpoolOutbox(tmp_path), receiver, clock)
    client.submit("customer_waiting", {"room": ROOM_A})
    client.submit("customer_waiting", {"room": ROOM_B})
    client.submit("session_ended", {"room": ROOM_B})
    await settle(client)
    assert receiver.accepted(ROOM_B) == ["customer_waiting", "session_ended"]
    assert receiver.accepted(ROOM_A) == []
    assert await client.outbox.due_rooms(clock.now, 10) == []  # A waits for its backoff
    del receiver.status[ROOM_A]
    clock.now += 1
    await settle(client)
    assert receiver.accepted(ROOM_A) == ["customer_waiting"]


async def test_events_of_a_room_keep_their_order_across_retries(tmp_path, clients) -> None:
    receiver, clock = Receiver(), Clock()
    receiver.status[ROOM_A] = 500
    client = clients(SpoolOutbox(tmp_path), receiver, clock)
    client.submit("customer_waiting", {"room": ROOM_A})
    client.submit("session_ended", {"room": ROOM_A})
    await settle(client)
    del receiver.status[ROOM_A]
    clock.now += 60
    await settle(client)
    assert [p["event"] for p in receiver.posts] == [
        "customer_waiting", "customer_waiting", "session_ended"]
    assert client.pending == 0


async def test_refused_callback_becomes_a_dead_letter_on_disk(tmp_path, clients) -> None:
    receiver = Receiver()
    receiver.status[ROOM_A] = 400
    client = clients(SpoolOutbox(tmp_path), receiver)
    client.submit("customer_waiting", {"room": ROOM_A})
    await settle(client)
    [dead] = list((tmp_path / "dead").iterdir())
    record = json.loads(dead.read_text())
    assert record["reason"] == "refused with 400"
    assert record["payload"]["event"] == "customer_waiting"


async def test_spent_link_stays_spent_across_a_restart_with_a_state_file(tmp_path) -> None:
    path = str(tmp_path / "spent-jtis")
    first = MemoryStore(clock=lambda: T0, spent_file=path)
    assert await first.consume_jti("j1", 3600)
    again = MemoryStore(clock=lambda: T0 + 10, spent_file=path)
    assert not await again.consume_jti("j1", 3600)
    assert await MemoryStore(clock=lambda: T0 + 7200, spent_file=path).consume_jti("j1", 60)
