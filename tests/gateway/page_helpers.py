"""Helpers for the customer page tests: a phone in headless Chromium, an image server standing
in for Odoo's logo and photo routes, and the join step."""

from __future__ import annotations

import http.server
import struct
import threading
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "timezone_id": "America/Toronto"}
# counts the camera prompts a page makes (the join step must come first)
COUNT_CAMERA_PROMPTS = """
window.vgCameraPrompts = 0;
const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = (c) => {
  window.vgCameraPrompts++;
  return realGetUserMedia(c);
};
"""


def png(rgb: tuple[int, int, int], size: int = 64) -> bytes:
    """A plain square PNG (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


class ImageServer:
    """Stands in for Odoo's public image URLs (``/logo.png``, the advisor's signed photo)."""

    def __init__(self) -> None:
        images = {"/logo.png": png((29, 78, 216), 96), "/photo.png": png((220, 120, 60))}
        self.hits: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                outer.hits.append(path)
                body = images.get(path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                          headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def phone(browser: Any) -> Any:
    """A new phone (its own storage: another device) with one page open."""
    context = await browser.new_context(**PHONE)
    await context.add_init_script(COUNT_CAMERA_PROMPTS)
    return await context.new_page()


async def join_as_customer(page: Any) -> None:
    """The join step: tap to see yourself, then join."""
    await page.click("#btn-preview")
    await page.wait_for_selector("#btn-join", state="visible")
    await page.click("#btn-join")
