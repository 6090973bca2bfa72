"""The real gateway process, real sockets: refusals before the upgrade, real aiortc media."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
import websockets
from gw_helpers import SECRET, FakeOdoo, GatewayProcess, new_room, token
from websockets.exceptions import InvalidStatus

from video_gateway.synthetic_peer import SyntheticPeer
from video_gateway.tokens import mint_join_token


async def refused_status(url: str, origin: str | None = None) -> tuple[int, dict]:
    headers = {"Origin": origin} if origin else None
    with pytest.raises(InvalidStatus) as err:
        async with websockets.connect(url, additional_headers=headers, open_timeout=10):
            pass
    response = err.value.response
    return response.status_code, json.loads(response.body or b"{}")


async def test_forged_token_is_refused_before_the_upgrade(gateway: GatewayProcess) -> None:
    forged = mint_join_token("not-the-secret-" + "z" * 40, room=new_room(), role="customer")
    assert await refused_status(f"{gateway.ws}?t={forged}") == (403, {"error": "bad_signature"})


async def test_expired_token_is_refused_before_the_upgrade(gateway: GatewayProcess) -> None:
    old = mint_join_token(SECRET, room=new_room(), role="customer", ttl=60,
                          now=time.time() - 7200)
    assert await refused_status(f"{gateway.ws}?t={old}") == (403, {"error": "expired"})


async def test_replayed_token_is_refused_before_the_upgrade(gateway: GatewayProcess) -> None:
    link = token(new_room())
    peer = await SyntheticPeer(gateway.ws, link).connect()
    assert peer.welcome["type"] == "welcome"
    assert await refused_status(f"{gateway.ws}?t={link}") == (403, {"error": "token_used"})
    await peer.close()


async def test_resume_token_rejoins_the_same_seat(gateway: GatewayProcess) -> None:
    room = new_room()
    first = await SyntheticPeer(gateway.ws, token(room)).connect()
    await first.drop()
    again = await SyntheticPeer(gateway.ws, first.welcome["resume_token"], resume=True).connect()
    assert again.welcome["role"] == "customer"
    await again.close()


async def test_foreign_origin_is_refused(fake_odoo: FakeOdoo) -> None:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url,
                           "GATEWAY_ALLOWED_ORIGINS": "https://video.dealer.example"})
    try:
        url = f"{proc.ws}?t={token(new_room())}"
        status = await refused_status(url, origin="https://evil.example")
        assert status == (403, {"error": "origin_not_allowed"})
        peer = await SyntheticPeer(proc.ws, token(new_room()),
                                   origin="https://video.dealer.example").connect()
        assert peer.welcome["type"] == "welcome"
        await peer.close()
    finally:
        proc.stop()


async def test_room_parameter_must_match_the_token(gateway: GatewayProcess) -> None:
    url = f"{gateway.ws}?t={token(new_room())}&room={new_room()}"
    assert await refused_status(url) == (403, {"error": "wrong_room"})


async def test_second_advisor_is_refused_room_taken(gateway: GatewayProcess) -> None:
    room = new_room()
    first = await SyntheticPeer(gateway.ws, token(room, "advisor", sub="7")).connect()
    status = await refused_status(f"{gateway.ws}?t={token(room, 'advisor', sub='8')}")
    assert status == (403, {"error": "room_taken"})
    await first.close()


async def test_bad_message_gets_a_readable_error_not_a_disconnect(
        gateway: GatewayProcess) -> None:
    peer = await SyntheticPeer(gateway.ws, token(new_room())).connect()
    await peer.ws.send("not json")
    error = await peer.wait_for("error")
    assert error["code"] == "bad_message"
    await peer.send({"type": "ping"})
    assert (await peer.wait_for("pong"))["type"] == "pong"
    await peer.close()


async def test_message_flood_is_rate_limited(gateway: GatewayProcess) -> None:
    peer = await SyntheticPeer(gateway.ws, token(new_room())).connect()
    for _ in range(400):
        try:
            await peer.send({"type": "ping"})
        except websockets.ConnectionClosed:
            break
    await asyncio.wait_for(peer.ended.wait(), 20)
    assert peer.ws.close_code == 4029
    await peer.close()


def test_join_page_with_bad_token_is_403_without_details(gateway: GatewayProcess) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(gateway.http + "/join/garbage", timeout=10)
    assert err.value.code == 403
    body = err.value.read().decode()
    err.value.close()
    assert "Ce lien n'est plus valide" in body or "Ce lien n&#39;est plus valide" in body
    assert "no longer valid" in body


def test_customer_page_is_french_escaped_and_shows_no_lead(gateway: GatewayProcess) -> None:
    link = token(new_room(), dealer="<b>Garage & Fils</b>", lang="fr", lead=987654)
    with urllib.request.urlopen(f"{gateway.http}/join/{link}", timeout=10) as response:
        html = response.read().decode()
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "&lt;b&gt;Garage &amp; Fils&lt;/b&gt;" in html
    assert "<b>Garage" not in html
    assert "Raccrocher" in html
    assert "987654" not in html


def test_english_token_gets_the_english_page(gateway: GatewayProcess) -> None:
    with urllib.request.urlopen(f"{gateway.http}/join/{token(new_room(), lang='en')}",
                                timeout=10) as response:
        assert "Hang up" in response.read().decode()


async def test_aiortc_peers_exchange_media_both_ways_through_the_gateway(
        gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    customer = await SyntheticPeer(gateway.ws, token(room, lead=42), room=room).connect()
    fake_odoo.wait_for("customer_waiting")
    advisor = await SyntheticPeer(gateway.ws, token(room, "advisor", sub="7"), room=room).connect()
    try:
        await customer.wait_frames("video", 10)
        await advisor.wait_frames("video", 10)
        assert customer.frames["audio"] > 0 and advisor.frames["audio"] > 0
        await advisor.hangup()
        await asyncio.wait_for(customer.ended.wait(), 20)
    finally:
        await customer.close()
        await advisor.close()
    [ended] = fake_odoo.wait_for("session_ended")
    assert ended["outcome"] == "completed"
    assert ended["advisor_id"] == 7
    assert ended["lead"] == 42
    assert [e["event"] for e in fake_odoo.events()] == [
        "customer_waiting", "advisor_joined", "session_ended"]


async def test_call_reconnects_after_a_network_drop(gateway: GatewayProcess) -> None:
    room = new_room()
    customer = await SyntheticPeer(gateway.ws, token(room)).connect()
    advisor = await SyntheticPeer(gateway.ws, token(room, "advisor")).connect()
    try:
        await customer.wait_frames("video", 5)
        await customer.drop()
        await advisor.wait_for("peer_away")
        back = await SyntheticPeer(gateway.ws, customer.welcome["resume_token"],
                                   resume=True).connect()
        await back.wait_frames("video", 5)
        assert back.epoch == 2
        await back.close()
    finally:
        await advisor.close()


async def test_unanswered_customer_books_a_callback_time(fake_odoo: FakeOdoo) -> None:
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_RING_TIMEOUT": "1"})
    try:
        customer = await SyntheticPeer(proc.ws, token(new_room())).connect()
        await customer.wait_for("no_answer")
        await customer.send({"type": "callback_time", "at": "2030-01-02T10:00:00-05:00"})
        await customer.wait_for("callback_booked")
        [no_answer] = fake_odoo.wait_for("no_answer")
        assert no_answer["callback_time"] == "2030-01-02T15:00:00Z"
        [ended] = fake_odoo.wait_for("session_ended")
        assert ended["outcome"] == "no_answer"
        await customer.close()
    finally:
        proc.stop()


def test_unreachable_redis_refuses_to_start_with_a_clear_message() -> None:
    import os
    import subprocess
    import sys

    from gw_helpers import REPO

    env = dict(os.environ, GATEWAY_SECRET=SECRET, GATEWAY_PORT="0",
               GATEWAY_REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run([sys.executable, "-m", "video_gateway"], cwd=REPO, env=env,
                            check=False, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "cannot start" in result.stderr
