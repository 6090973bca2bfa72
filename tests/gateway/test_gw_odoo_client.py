"""Callbacks to Odoo over a real socket: signature, retries, final refusals."""

from __future__ import annotations

import hashlib
import hmac
import json

from gw_helpers import SECRET, FakeOdoo

from video_gateway.odoo_client import OdooClient, backoff_delays


async def no_sleep(_delay: float) -> None:
    return None


async def test_callback_is_signed_as_the_contract_says(fake_odoo: FakeOdoo) -> None:
    client = OdooClient(fake_odoo.url, SECRET, sleep=no_sleep)
    assert await client.deliver({"event_id": "e1", "event": "customer_waiting", "room": "r",
                                 "lead": 1})
    [request] = fake_odoo.requests
    assert request["path"] == "/dealer_lead/video/event"
    timestamp = request["headers"]["X-Dealer-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Dealer-Signature"], expected)
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"])["event_id"] == "e1"


async def test_server_errors_are_retried_until_accepted(fake_odoo: FakeOdoo) -> None:
    fake_odoo.statuses = [500, 503, 429]
    waits: list[float] = []

    async def record_sleep(delay: float) -> None:
        waits.append(delay)

    client = OdooClient(fake_odoo.url, SECRET, sleep=record_sleep)
    assert await client.deliver({"event_id": "e2", "event": "no_answer", "room": "r", "lead": 1})
    assert [r["status"] for r in fake_odoo.requests] == [500, 503, 429, 200]
    assert waits == [1.0, 2.0, 4.0]
    bodies = {r["body"] for r in fake_odoo.requests}
    assert len(bodies) == 1  # same event_id every time: Odoo dedupes


async def test_client_error_is_not_retried(fake_odoo: FakeOdoo) -> None:
    fake_odoo.statuses = [400]
    client = OdooClient(fake_odoo.url, SECRET, sleep=no_sleep)
    assert not await client.deliver({"event_id": "e3", "event": "x", "room": "r", "lead": 1})
    assert len(fake_odoo.requests) == 1
    assert client.failed == 1


async def test_unreachable_odoo_is_retried() -> None:
    calls: list[str] = []

    async def refused(url: str, body: bytes, headers: dict[str, str]) -> int | None:
        calls.append(url)
        return None if len(calls) < 3 else 200

    client = OdooClient("http://127.0.0.1:9", SECRET, post=refused, sleep=no_sleep)
    assert await client.deliver({"event_id": "e4", "event": "x", "room": "r", "lead": 1})
    assert len(calls) == 3


def test_backoff_doubles_to_a_minute_for_an_hour() -> None:
    delays = backoff_delays()
    assert delays[:7] == [1, 2, 4, 8, 16, 32, 60]
    assert max(delays) == 60
    assert 3540 <= sum(delays) <= 3600


async def test_submitted_events_are_delivered_in_order(fake_odoo: FakeOdoo) -> None:
    client = OdooClient(fake_odoo.url, SECRET, sleep=no_sleep)
    for name in ("customer_waiting", "advisor_joined", "session_ended"):
        client.submit(name, {"room": "r", "lead": 1})
    await client.drain(10)
    assert [e["event"] for e in fake_odoo.events()] == [
        "customer_waiting", "advisor_joined", "session_ended"]
    await client.close()
