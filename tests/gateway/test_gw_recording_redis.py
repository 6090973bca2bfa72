"""Consented recording attached to session_ended; two replicas sharing Redis."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets

import pytest
import websockets
from gw_helpers import FakeOdoo, GatewayProcess, new_room, token
from websockets.exceptions import InvalidStatus

from video_gateway.synthetic_peer import SyntheticPeer

REDIS_URL = "redis://127.0.0.1:6379/15"


async def test_recording_with_both_consents_is_attached_to_session_ended(
        gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    customer = await SyntheticPeer(gateway.ws, token(room, rec=True)).connect()
    await customer.send({"type": "consent", "recording": True})
    advisor = await SyntheticPeer(gateway.ws, token(room, "advisor", rec=True)).connect()
    try:
        await advisor.send({"type": "consent", "recording": True})
        await customer.wait_for("recording")
        await customer.start_recorder_leg()
        await advisor.start_recorder_leg()
        await customer.wait_for("rec_answer")
        await advisor.wait_for("rec_answer")
        await customer.wait_frames("video", 10)
        await asyncio.sleep(3)
        await customer.hangup()
        await asyncio.wait_for(advisor.ended.wait(), 20)
    finally:
        await customer.close()
        await advisor.close()
    [ended] = fake_odoo.wait_for("session_ended", timeout=60)
    recording = ended["recording"]
    assert recording["mimetype"] == "video/webm"
    data = base64.b64decode(recording["data_base64"])
    assert data[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a webm file
    assert len(data) > 1000


@pytest.fixture
def loopback_only(monkeypatch):
    """Every aiortc peer of this test process gathers 127.0.0.1 only (as the gateway)."""
    import aioice.ice

    from video_gateway.recorder import configure_ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", aioice.ice.get_host_addresses)
    configure_ice(interfaces=("lo",))
    assert aioice.ice.get_host_addresses(True, False) == ["127.0.0.1"]


async def test_a_call_recorded_on_loopback_reaches_odoo_signed_as_the_route_expects(
        fake_odoo: FakeOdoo, loopback_only) -> None:
    import hashlib
    import hmac

    from gw_helpers import SECRET

    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url,
                           "GATEWAY_RECORDER_ICE_INTERFACES": "lo"})
    room = new_room()
    try:
        customer = await SyntheticPeer(proc.ws, token(room, rec=True, lead=42)).connect()
        await customer.send({"type": "consent", "recording": True})
        advisor = await SyntheticPeer(proc.ws, token(room, "advisor", rec=True)).connect()
        await advisor.send({"type": "consent", "recording": True})
        await customer.wait_for("recording")
        await customer.start_recorder_leg()
        await advisor.start_recorder_leg()
        answer = await customer.wait_for("rec_answer")
        await advisor.wait_for("rec_answer")
        assert "127.0.0.1" in answer["sdp"]  # the recorder offered a loopback candidate
        await customer.wait_frames("video", 10)
        await asyncio.sleep(3)
        await customer.hangup()
        await asyncio.wait_for(advisor.ended.wait(), 20)
        await customer.close()
        await advisor.close()
        [ended] = fake_odoo.wait_for("session_ended", timeout=60)
    finally:
        proc.stop()
    request = next(r for r in fake_odoo.requests
                   if json.loads(r["body"])["event"] == "session_ended")
    stamp = request["headers"]["X-Dealer-Timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request["headers"]["X-Dealer-Signature"], expected)
    assert request["headers"]["Content-Type"] == "application/json"
    assert (ended["lead"], ended["outcome"]) == (42, "completed")
    recording = ended["recording"]
    assert recording["filename"].startswith("video-call-")
    assert recording["filename"].endswith(".webm")
    assert recording["mimetype"] == "video/webm"
    data = base64.b64decode(recording["data_base64"])
    assert data[:4] == b"\x1a\x45\xdf\xa3" and len(data) > 1000


async def test_no_recording_without_the_advisor_consent(
        gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    customer = await SyntheticPeer(gateway.ws, token(room, rec=True)).connect()
    await customer.send({"type": "consent", "recording": True})
    advisor = await SyntheticPeer(gateway.ws, token(room, "advisor", rec=True)).connect()
    await advisor.send({"type": "consent", "recording": False})
    await customer.wait_for("peer_consent")
    await advisor.hangup()
    await customer.close()
    await advisor.close()
    [ended] = fake_odoo.wait_for("session_ended")
    assert ended["recording"] is None
    assert not [m for m in customer.messages if m["type"] == "recording"]


@pytest.fixture
async def redis_events():
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except (OSError, redis_asyncio.ConnectionError):
        pytest.skip("no Redis on 127.0.0.1:6379")
    pubsub = client.pubsub()
    await pubsub.subscribe("video_gateway:events")
    yield pubsub
    await pubsub.aclose()
    await client.aclose()


async def test_two_replicas_share_single_use_tokens_rooms_and_events(
        fake_odoo: FakeOdoo, redis_events) -> None:
    env = {"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_REDIS_URL": REDIS_URL}
    one = GatewayProcess({**env, "GATEWAY_REPLICA_ID": "one-" + secrets.token_hex(3)})
    two = GatewayProcess({**env, "GATEWAY_REPLICA_ID": "two-" + secrets.token_hex(3)})
    try:
        room = new_room()
        link = token(room)
        customer = await SyntheticPeer(one.ws, link).connect()
        # the same link replayed on the other replica: spent already
        with pytest.raises(InvalidStatus) as err:
            async with websockets.connect(f"{two.ws}?t={link}", open_timeout=10):
                pass
        assert err.value.response.status_code == 403
        # a fresh advisor link routed to the wrong replica is told where the room lives
        with pytest.raises(InvalidStatus) as err:
            async with websockets.connect(f"{two.ws}?t={token(room, 'advisor')}",
                                          open_timeout=10):
                pass
        assert err.value.response.status_code == 421
        assert err.value.response.headers["X-Gateway-Replica"].startswith("one-")
        # the customer-waiting event crossed replicas through Redis
        message = None
        for _ in range(50):
            message = await redis_events.get_message(ignore_subscribe_messages=True,
                                                     timeout=0.5)
            if message:
                break
        assert message and json.loads(message["data"])["event"] == "customer_waiting"
        # the advisor on the right replica gets in and media flows
        advisor = await SyntheticPeer(one.ws, token(room, "advisor")).connect()
        await customer.wait_frames("video", 5)
        await advisor.close()
        await customer.close()
        health = json.loads(await asyncio.to_thread(_get, one.http + "/healthz"))
        assert health["store"] == "redis"
    finally:
        one.stop()
        two.stop()


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()
