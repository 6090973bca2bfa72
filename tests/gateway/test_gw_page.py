"""The customer's video page on a phone (390x844, headless Chromium, fake camera), in French and
English, against the real gateway: join step, dealer and advisor shown, one waiting state, one
call-back offer written the Quebec way, reconnect, reopen on the same phone, another device
refused. French screenshots of each state go to ``$PAGE_SHOTS`` when it is set."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from gw_helpers import FakeOdoo, GatewayProcess, new_room, token
from page_helpers import CHROMIUM, ImageServer, chromium, join_as_customer, phone
from test_gw_browser import wait_rising

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Debian chromium")

SHOTS = os.environ.get("PAGE_SHOTS", "")
# a Tuesday at 14 h 10 in Montreal: the call-back times offered are known
TUESDAY_AFTERNOON = datetime(2026, 11, 24, 14, 10, tzinfo=ZoneInfo("America/Toronto"))


@pytest.fixture
def images() -> Iterator[ImageServer]:
    server = ImageServer()
    yield server
    server.close()


@pytest.fixture
def quick_gateway(fake_odoo: FakeOdoo) -> Iterator[GatewayProcess]:
    """Nobody answers within 2 s."""
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_RING_TIMEOUT": "2"})
    yield proc
    proc.stop()


def customer_link(gateway: GatewayProcess, room: str, images: ImageServer, **claims: str) -> str:
    claims = {"vehicle": "Honda Civic 2024", "logo": f"{images.url}/logo.png", **claims}
    return f"{gateway.http}/join/{token(room, dealer='Automobiles Laval', **claims)}"


def advisor_link(gateway: GatewayProcess, room: str, images: ImageServer) -> str:
    return f"{gateway.http}/join/{token(room, 'advisor', photo=f'{images.url}/photo.png')}"


async def shot(page, name: str) -> None:
    if SHOTS:
        await asyncio.sleep(0.5)
        await page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


async def status(page) -> str:
    return (await page.text_content("#status")) or ""


async def wait_text(page, selector: str, pattern: str, timeout: float = 20000) -> str:
    await page.wait_for_function(
        "([sel, re]) => new RegExp(re).test(document.querySelector(sel).textContent)",
        arg=[selector, pattern], timeout=timeout)
    return (await page.text_content(selector)) or ""


async def wait_status(page, pattern: str, timeout: float = 20000) -> str:
    return await wait_text(page, "#status", pattern, timeout)


async def test_french_page_shows_the_dealer_and_asks_for_the_camera_only_after_a_tap(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    async with chromium() as browser:
        page = await phone(browser)
        response = await page.goto(customer_link(gateway, room, images))
        assert images.url in response.headers["content-security-policy"]
        assert await page.text_content("h1") == "Automobiles Laval"
        assert await page.text_content("#vehicle") == "Véhicule\u00a0: Honda Civic 2024"
        await page.wait_for_function("() => document.getElementById('logo').naturalWidth > 0")
        assert await page.is_visible("#btn-preview")
        assert await page.text_content("#btn-preview") == "Vérifier ma caméra"
        assert not await page.is_visible("#btn-join")
        await shot(page, "1-etape-rejoindre")
        assert await page.evaluate("window.vgCameraPrompts") == 0
        assert await page.evaluate("window.vgState.ws") is None, "not in the room before Join"

        await page.click("#btn-preview")
        await page.wait_for_selector("#btn-join", state="visible")
        assert await page.text_content("#btn-join") == "Rejoindre"
        assert await page.evaluate("window.vgCameraPrompts") == 1
        assert await page.evaluate("window.vgState.ws") is None
        await shot(page, "2-apercu-camera")

        await page.click("#btn-join")
        fake_odoo.wait_for("customer_waiting")
        assert await wait_status(page, "patienter") == \
            "Un conseiller va vous répondre. Merci de patienter…"
        await wait_text(page, "#elapsed", r"^En attente depuis \d+ s$")
        await shot(page, "3-attente")
        assert await page.evaluate("window.vgCameraPrompts") == 1


async def test_english_page_has_the_same_join_step(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    async with chromium() as browser:
        page = await phone(browser)
        await page.goto(customer_link(gateway, room, images, lang="en"))
        assert await page.get_attribute("html", "lang") == "en"
        assert await page.text_content("#vehicle") == "Vehicle: Honda Civic 2024"
        assert await page.text_content("#btn-preview") == "Check my camera"
        assert await page.evaluate("window.vgCameraPrompts") == 0
        await page.click("#btn-preview")
        await page.wait_for_selector("#btn-join", state="visible")
        assert await page.text_content("#btn-join") == "Join"
        await page.click("#btn-join")
        fake_odoo.wait_for("customer_waiting")
        assert "advisor will be with you" in await wait_status(page, "advisor")
        await wait_text(page, "#elapsed", r"^Waiting for \d+ s$")


async def test_customer_sees_the_advisors_first_name_and_photo(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    async with chromium() as browser:
        customer, advisor = await phone(browser), await phone(browser)
        await customer.goto(customer_link(gateway, room, images))
        await join_as_customer(customer)
        fake_odoo.wait_for("customer_waiting")
        assert not await customer.is_visible("#peer-card"), "no advisor known yet"
        await advisor.goto(advisor_link(gateway, room, images))
        await wait_rising(customer)
        assert await wait_status(customer, "En ligne") == "En ligne avec Luc"
        assert await customer.text_content("#peer-name") == "Luc"
        await customer.wait_for_function(
            "() => document.getElementById('peer-photo').naturalWidth > 0")
        assert await customer.is_visible("#peer-photo")
        await shot(customer, "4-en-ligne")


@pytest.mark.parametrize(("lang", "times"), [
    ("fr", ["Aujourd'hui, 15 h", "Aujourd'hui, 16 h", "Aujourd'hui, 17 h", "Demain, 9 h"]),
    ("en", ["Today, 3 p.m.", "Today, 4 p.m.", "Today, 5 p.m.", "Tomorrow, 9 a.m."]),
])
async def test_no_answer_offers_call_back_times_once_written_the_local_way(
        quick_gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer,
        lang: str, times: list[str]) -> None:
    room = new_room()
    async with chromium() as browser:
        page = await phone(browser)
        await page.clock.set_fixed_time(TUESDAY_AFTERNOON)
        await page.goto(customer_link(quick_gateway, room, images, lang=lang))
        await join_as_customer(page)
        await page.wait_for_selector("#callback", state="visible", timeout=20000)
        offered = await page.eval_on_selector_all(
            "#callback-slot option", "options => options.map(o => o.textContent)")
        assert offered[:4] == times
        assert not any(re.search(r"\b0\d h|\d h 00|:00", t) for t in offered), offered
        body = await page.inner_text("body")
        no_answer = "Aucun conseiller" if lang == "fr" else "No advisor"
        assert body.count(no_answer) == 1, body
        assert body.count("rappelle" if lang == "fr" else "call you back") == 1, body
        if lang == "fr":
            await shot(page, "5-aucune-reponse")
        await page.select_option("#callback-slot", index=3)
        await page.click("#callback-book")
        [booked] = fake_odoo.wait_for("no_answer")
        assert booked["callback_time"].startswith("2026-11-25T14:00:00")  # 9 h in Montreal
        await wait_status(page, "rappellerons|call you back")
        assert not await page.is_visible("#callback")


async def test_page_reconnects_after_a_network_drop_while_waiting(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    async with chromium() as browser:
        page = await phone(browser)
        await page.goto(customer_link(gateway, room, images))
        await join_as_customer(page)
        fake_odoo.wait_for("customer_waiting")
        await wait_status(page, "patienter")
        await page.evaluate("window.vgState.ws.close(3000, 'network drop')")
        assert await wait_status(page, "reconnexion") == "Connexion perdue, reconnexion…"
        await shot(page, "7-reconnexion")
        await wait_status(page, "patienter")
        assert await page.evaluate("window.vgState.ws.readyState") == 1
        assert len(fake_odoo.wait_for("customer_waiting")) == 1, "rung once"
        assert "session_ended" not in [e["event"] for e in fake_odoo.events()]


async def test_a_call_goes_on_through_a_network_drop(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    """The signalling socket comes back with the resume token; the call renegotiates."""
    room = new_room()
    async with chromium() as browser:
        customer, advisor = await phone(browser), await phone(browser)
        await customer.goto(customer_link(gateway, room, images))
        await join_as_customer(customer)
        await advisor.goto(advisor_link(gateway, room, images))
        await wait_rising(customer)
        epoch = await customer.evaluate("window.vgState.epoch")
        await customer.evaluate("window.vgState.ws.close(3000, 'network drop')")
        await customer.wait_for_function("() => window.vgState.retries > 0")
        assert await status(customer) == "En ligne avec Luc", "no alarm while media flows"
        await customer.wait_for_function("e => window.vgState.epoch > e", arg=epoch,
                                         timeout=30000)
        await wait_status(customer, "En ligne avec Luc", timeout=30000)
        await wait_rising(customer)
        await wait_rising(advisor)
        assert "session_ended" not in [e["event"] for e in fake_odoo.events()]


async def test_closed_tab_reopens_on_the_same_phone_without_the_join_step(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    link = customer_link(gateway, room, images)
    async with chromium() as browser:
        page = await phone(browser)
        await page.goto(link)
        await join_as_customer(page)
        fake_odoo.wait_for("customer_waiting")
        await wait_status(page, "patienter")
        await asyncio.sleep(2)
        since = await page.evaluate("window.vgState.waitingSince")
        context = page.context
        await page.close()
        reopened = await context.new_page()
        await reopened.goto(link)
        assert await wait_status(reopened, "patienter") == \
            "Un conseiller va vous répondre. Merci de patienter…"
        assert not await reopened.is_visible("#join")
        assert await reopened.evaluate("window.vgState.waitingSince") == since, \
            "the time waited goes on"
        assert len(fake_odoo.wait_for("customer_waiting")) == 1, "rung once, not twice"
        assert "session_ended" not in [e["event"] for e in fake_odoo.events()]


@pytest.fixture
def short_grace_gateway(fake_odoo: FakeOdoo) -> Iterator[GatewayProcess]:
    """A dropped customer keeps their seat 1 s only."""
    proc = GatewayProcess({"GATEWAY_ODOO_URL": fake_odoo.url, "GATEWAY_RING_TIMEOUT": "60",
                           "GATEWAY_RECONNECT_GRACE": "1"})
    yield proc
    proc.stop()


async def test_tab_reopened_after_the_grace_is_back_in_waiting_not_locked_out(
        short_grace_gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    link = customer_link(short_grace_gateway, room, images)
    async with chromium() as browser:
        page = await phone(browser)
        await page.goto(link)
        await join_as_customer(page)
        fake_odoo.wait_for("customer_waiting")
        await wait_status(page, "patienter")
        context = page.context
        await page.close()
        [left] = await asyncio.to_thread(fake_odoo.wait_for, "session_ended", 20, 1, room)
        assert left["outcome"] == "customer_left", "the first session ended"
        reopened = await context.new_page()
        await reopened.goto(link)
        assert await wait_status(reopened, "patienter") == \
            "Un conseiller va vous répondre. Merci de patienter…"
        assert not await reopened.is_visible("#join")
        await shot(reopened, "8-lien-rouvert")
        assert len(await asyncio.to_thread(fake_odoo.wait_for, "customer_waiting", 20, 2,
                                           room)) == 2, "the advisors are rung again"
        other = await phone(browser)
        await other.goto(link)
        await join_as_customer(other)
        assert "n'est plus valide" in await wait_status(other, "plus valide"), \
            "another device with only the link is still refused"


async def test_page_reloaded_after_no_answer_can_ring_again(
        quick_gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    link = customer_link(quick_gateway, room, images)
    async with chromium() as browser:
        page = await phone(browser)
        await page.clock.set_fixed_time(TUESDAY_AFTERNOON)
        await page.goto(link)
        await join_as_customer(page)
        await page.wait_for_selector("#callback", state="visible", timeout=20000)
        await page.click("#callback-book")
        await asyncio.to_thread(fake_odoo.wait_for, "session_ended", 20, 1, room)
        await page.reload()
        await wait_status(page, "patienter|Aucun conseiller")
        assert len(await asyncio.to_thread(fake_odoo.wait_for, "customer_waiting", 20, 2,
                                           room)) == 2


async def test_another_device_with_the_link_cannot_take_the_seat(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    link = customer_link(gateway, room, images)
    async with chromium() as browser:
        first, second = await phone(browser), await phone(browser)
        await first.goto(link)
        await join_as_customer(first)
        fake_odoo.wait_for("customer_waiting")
        await second.goto(link)
        await join_as_customer(second)
        assert "n'est plus valide" in await wait_status(second, "plus valide")
        await shot(second, "6-autre-appareil")
        await asyncio.sleep(1)
        assert await status(first) == "Un conseiller va vous répondre. Merci de patienter…"
        assert await first.evaluate("window.vgState.ws.readyState") == 1


async def test_a_refused_camera_still_lets_the_customer_join(
        gateway: GatewayProcess, fake_odoo: FakeOdoo, images: ImageServer) -> None:
    room = new_room()
    async with chromium() as browser:
        page = await phone(browser)
        await page.add_init_script(
            "navigator.mediaDevices.getUserMedia = () => "
            "Promise.reject(new DOMException('denied', 'NotAllowedError'));")
        await page.goto(customer_link(gateway, room, images))
        await page.click("#btn-preview")
        await page.wait_for_selector("#btn-join", state="visible")
        assert (await page.text_content("#join-hint")).startswith(
            "Caméra ou micro indisponible.")
        await page.click("#btn-join")
        fake_odoo.wait_for("customer_waiting")
        await wait_status(page, "patienter")


async def test_times_are_written_the_quebec_way_in_french_and_the_canadian_way_in_english(
        gateway: GatewayProcess, images: ImageServer) -> None:
    async with chromium() as browser:
        page = await phone(browser)
        await page.goto(customer_link(gateway, new_room(), images))
        written = await page.evaluate("""() => [[9, 0], [14, 30], [12, 0], [0, 5], [17, 0]]
            .map(([h, m]) => { const d = new Date(2026, 10, 24, h, m);
                               return [vgFormat.time(d, 'fr'), vgFormat.time(d, 'en')]; })""")
        assert written == [["9 h", "9 a.m."], ["14 h 30", "2:30 p.m."], ["12 h", "12 p.m."],
                           ["0 h 05", "12:05 a.m."], ["17 h", "5 p.m."]]
        assert await page.evaluate("[vgFormat.elapsed(42), vgFormat.elapsed(65)]") == \
            ["42 s", "1 min 05 s"]
