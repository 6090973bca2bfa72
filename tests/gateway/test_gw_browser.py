"""End to end in headless Chromium (Debian package, fake camera): customer page and advisor
page connect through the real gateway and decode each other's frames."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gw_helpers import FakeOdoo, GatewayProcess, new_room, token
from page_helpers import join_as_customer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu",
]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Debian chromium")


@asynccontextmanager
async def customer_and_advisor_pages() -> AsyncIterator[tuple[Any, Any]]:
    """Two pages in separate browser contexts (two people), in one headless Chromium."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                          headless=True)
        try:
            customer = await (await browser.new_context()).new_page()
            advisor = await (await browser.new_context()).new_page()
            yield customer, advisor
        finally:
            await browser.close()


async def frames_decoded(page: Any) -> int:
    return (await page.evaluate("window.vgStats ? window.vgStats() : {framesDecoded: 0}"))[
        "framesDecoded"]


async def wait_rising(page: Any, timeout: float = 60) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    first = 0
    while time.monotonic() < deadline:
        count = await frames_decoded(page)
        if count > 0 and not first:
            first = count
        elif first and count > first:
            return first, count
        await asyncio.sleep(0.25)
    raise AssertionError(f"framesDecoded not rising on {page.url[:40]}: {first}")


async def test_customer_and_advisor_pages_decode_each_others_frames(
        gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    async with customer_and_advisor_pages() as (customer, advisor):
        await customer.goto(f"{gateway.http}/join/{token(room, lang='en')}")
        await join_as_customer(customer)
        fake_odoo.wait_for("customer_waiting")
        # the gateway tells Odoo as it welcomes the page: the page may still be drawing it (a
        # function, not an expression: the page's CSP forbids the eval that polls an expression)
        await customer.wait_for_function(
            "() => document.querySelector('#status').textContent"
            ".includes('advisor will be with you')")
        await advisor.goto(f"{gateway.http}/join/{token(room, 'advisor')}")
        await wait_rising(customer)
        await wait_rising(advisor)
        await advisor.click("#btn-mute")
        await customer.click("#btn-hangup")
        [ended] = fake_odoo.wait_for("session_ended")
        assert ended["outcome"] == "completed"


async def test_customer_page_reconnects_after_reload(
        gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    """A reload drops the socket; the page rejoins with its resume token, not the spent link."""
    room = new_room()
    async with customer_and_advisor_pages() as (customer, advisor):
        await customer.goto(f"{gateway.http}/join/{token(room)}")
        await join_as_customer(customer)
        await advisor.goto(f"{gateway.http}/join/{token(room, 'advisor')}")
        await wait_rising(advisor)
        await customer.reload()
        await wait_rising(customer)
        await wait_rising(advisor)


async def test_pages_record_when_both_consent(gateway: GatewayProcess, fake_odoo: FakeOdoo) -> None:
    room = new_room()
    async with customer_and_advisor_pages() as (customer, advisor):
        await customer.goto(f"{gateway.http}/join/{token(room, rec=True)}")
        await join_as_customer(customer)
        await customer.check("#consent-box")
        await customer.click("#consent-continue")
        [waiting] = fake_odoo.wait_for("customer_waiting")
        assert waiting["recording_consent"] is True
        await advisor.goto(f"{gateway.http}/join/{token(room, 'advisor', rec=True)}")
        await advisor.check("#consent-box")
        await advisor.click("#consent-continue")
        await wait_rising(customer)
        await customer.wait_for_selector("#rec-badge", state="visible", timeout=30000)
        await asyncio.sleep(3)
        await advisor.click("#btn-hangup")
        [ended] = fake_odoo.wait_for("session_ended", timeout=60)
        assert ended["recording"]["mimetype"] == "video/webm"
        assert len(ended["recording"]["data_base64"]) > 1000
