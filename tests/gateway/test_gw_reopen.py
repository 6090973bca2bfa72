"""A customer reopens their link on the same phone after the session ended (real process).

The stored resume token opens a new instance of the room while the join link is valid, and
Odoo is rung again; a second device with only the spent link is still refused.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
import websockets
from gw_helpers import FakeOdoo, GatewayProcess, new_room, token
from websockets.exceptions import InvalidStatus


@pytest.fixture
def short_grace(fake_odoo: FakeOdoo) -> Iterator[GatewayProcess]:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_RING_TIMEOUT": "60",
                           "GATEWAY_RECONNECT_GRACE": "1"})
    yield proc
    proc.stop()


async def _welcome(url: str) -> dict:
    async with websockets.connect(url) as ws:
        return json.loads(await ws.recv())


async def _refusal(url: str) -> tuple[int, str]:
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(url):
            pass
    response = refused.value.response
    return response.status_code, json.loads(response.body)["error"]


async def _leave_and_let_grace_pass(gateway: GatewayProcess, fake_odoo: FakeOdoo,
                                    room: str, url: str) -> dict:
    welcome = await _welcome(url)  # the tab closes without a hang-up
    ended = await asyncio.to_thread(fake_odoo.wait_for, "session_ended", 20, 1, room)
    assert ended[-1]["outcome"] == "customer_left"
    return welcome


async def test_closed_tab_reopened_after_the_grace_is_back_in_waiting(
        short_grace: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    first = await _leave_and_let_grace_pass(
        short_grace, fake_odoo, room, f"{short_grace.ws}?room={room}&t={token(room)}")
    again = await _welcome(f"{short_grace.ws}?room={room}&resume={first['resume_token']}")
    assert again["phase"] == "waiting"
    assert again["resume_token"] != first["resume_token"]
    waiting = await asyncio.to_thread(fake_odoo.wait_for, "customer_waiting", 20, 2, room)
    assert [e["lead"] for e in waiting] == [42, 42], "Odoo is rung again for the same lead"
    order = [e["event"] for e in fake_odoo.events() if e["room"] == room]
    assert order[:3] == ["customer_waiting", "session_ended", "customer_waiting"]


async def test_second_device_with_the_spent_link_is_still_refused(
        short_grace: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    link = f"{short_grace.ws}?room={room}&t={token(room)}"
    await _leave_and_let_grace_pass(short_grace, fake_odoo, room, link)
    assert await _refusal(link) == (403, "token_used")


async def test_the_old_resume_token_cannot_enter_the_reopened_room(
        short_grace: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    first = await _leave_and_let_grace_pass(
        short_grace, fake_odoo, room, f"{short_grace.ws}?room={room}&t={token(room)}")
    resume = f"{short_grace.ws}?room={room}&resume={first['resume_token']}"
    async with websockets.connect(resume) as ws:
        assert json.loads(await ws.recv())["type"] == "welcome"
        assert await _refusal(resume) == (403, "room_ended")


async def test_no_reopen_after_a_completed_call(
        short_grace: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    async with websockets.connect(f"{short_grace.ws}?room={room}&t={token(room)}") as customer:
        welcome = json.loads(await customer.recv())
        async with websockets.connect(
                f"{short_grace.ws}?room={room}&t={token(room, 'advisor')}") as advisor:
            while json.loads(await advisor.recv())["type"] != "ready":
                pass
            await advisor.send(json.dumps({"type": "hangup", "reason": "hangup"}))
            await asyncio.to_thread(fake_odoo.wait_for, "session_ended", 20, 1, room)
    resume = f"{short_grace.ws}?room={room}&resume={welcome['resume_token']}"
    assert await _refusal(resume) == (403, "room_ended")


async def test_no_reopen_once_the_join_link_expired(
        short_grace: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    first = await _leave_and_let_grace_pass(
        short_grace, fake_odoo, room, f"{short_grace.ws}?room={room}&t={token(room, ttl=4)}")
    await asyncio.sleep(4.5)
    resume = f"{short_grace.ws}?room={room}&resume={first['resume_token']}"
    assert await _refusal(resume) == (403, "room_ended")
