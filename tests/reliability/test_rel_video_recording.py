"""A recorded video call, end to end: the real gateway process records a real aiortc call on
loopback and the real Odoo (prefork, the addon installed) attaches the file to the lead, only
when both parties consented."""

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gateway"))

from gw_helpers import SECRET, GatewayProcess

from video_gateway.synthetic_peer import SyntheticPeer
from video_gateway.tokens import mint_join_token


@pytest.fixture(scope="module")
def video_odoo(odoo):
    """The dealership shares the gateway's secret; one gateway recording on loopback."""
    gateway = GatewayProcess({"GATEWAY_ODOO_URL": odoo.url,
                              "GATEWAY_RECORDER_ICE_INTERFACES": "lo"})
    for name, value in (("video_secret", SECRET), ("video_gateway_url", gateway.http)):
        odoo.admin().call("ir.config_parameter", "set_param", f"dealer_lead_addon.{name}", value)
    yield odoo, gateway
    gateway.stop()


@pytest.fixture
def loopback_peers(monkeypatch):
    """This process's aiortc peers gather 127.0.0.1 only, as the gateway's recorder."""
    import aioice.ice

    from video_gateway.recorder import configure_ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", aioice.ice.get_host_addresses)
    configure_ice(interfaces=("lo",))


def _video_session(odoo):
    admin = odoo.admin()
    [lead] = admin.call("crm.lead", "create", [{"name": "Civic 2024 (vidéo)",
                                                "contact_name": "Sophie Tremblay"}])
    [session] = admin.call("dealer.video.session", "create", [{"lead_id": lead}])
    [row] = admin.call("dealer.video.session", "read", [session], ["room"])
    return lead, session, row["room"]


def _token(room, role, lead, advisor):
    extra = {"sub": str(advisor), "name": "Nadia"} if role == "advisor" else {"name": "Sophie"}
    return mint_join_token(SECRET, room=room, role=role, lead=lead, dealer="Automobiles Laval",
                           rec=True, **extra)


async def _recorded_call(gateway, room, lead, advisor_id, advisor_consents):
    customer = await SyntheticPeer(gateway.ws, _token(room, "customer", lead, 0)).connect()
    advisor = None
    try:
        await customer.send({"type": "consent", "recording": True})
        advisor = await SyntheticPeer(
            gateway.ws, _token(room, "advisor", lead, advisor_id)).connect()
        await advisor.send({"type": "consent", "recording": advisor_consents})
        if advisor_consents:
            await customer.wait_for("recording")
            await customer.start_recorder_leg()
            await advisor.start_recorder_leg()
            await customer.wait_for("rec_answer")
            await advisor.wait_for("rec_answer")
        else:
            await customer.wait_for("peer_consent")
        await customer.wait_frames("video", 10)
        await asyncio.sleep(3)  # a few seconds of call (and of recording)
        await customer.hangup()
        await asyncio.wait_for(advisor.ended.wait(), 20)
    finally:
        await customer.close()
        if advisor:
            await advisor.close()


def _ended(odoo, session):
    def ended():
        [row] = odoo.admin().call("dealer.video.session", "read", [session],
                                  ["state", "outcome", "recording_id", "recording_consent"])
        return row if row["state"] == "ended" else None
    return odoo.poll(ended, timeout=90, interval=1)


def _events(odoo, room):
    """What Odoo made of the room's callbacks (for a failure message)."""
    return odoo.admin().call("dealer.video.event", "search_read", [("room", "=", room)],
                             ["event_type", "state", "reason"])


def _lead_attachments(odoo, lead):
    return odoo.admin().call("ir.attachment", "search_read",
                             [("res_model", "=", "crm.lead"), ("res_id", "=", lead)],
                             ["name", "mimetype", "file_size"])


async def test_consented_recording_arrives_as_an_attachment_on_the_lead(
        video_odoo, loopback_peers):
    odoo, gateway = video_odoo
    lead, session, room = _video_session(odoo)
    await _recorded_call(gateway, room, lead, odoo.ids["web_user_id"], advisor_consents=True)
    row = await asyncio.to_thread(_ended, odoo, session)
    assert row, _events(odoo, room)
    assert (row["outcome"], row["recording_consent"]) == ("completed", True)
    [attachment] = _lead_attachments(odoo, lead)
    assert attachment["name"].startswith("video-call-") and attachment["name"].endswith(".webm")
    assert attachment["mimetype"] == "video/webm"
    assert attachment["file_size"] > 1000
    assert row["recording_id"][0] == attachment["id"]


async def test_without_the_advisors_consent_nothing_reaches_the_lead(
        video_odoo, loopback_peers):
    odoo, gateway = video_odoo
    lead, session, room = _video_session(odoo)
    await _recorded_call(gateway, room, lead, odoo.ids["web_user_id"], advisor_consents=False)
    row = await asyncio.to_thread(_ended, odoo, session)
    assert row, _events(odoo, room)
    assert row["outcome"] == "completed"
    assert not row["recording_id"]
    assert not _lead_attachments(odoo, lead)
