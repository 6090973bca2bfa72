"""Time from opening the customer link (its join step tapped through at once) to the first
decoded remote frame (headless Chromium, fake camera, loopback), p50/p95 over N calls.
Baseline from the same run: two peer connections inside one page (no gateway, no network):
the browser's own floor.

    .venv/bin/python bench/video_first_frame.py [N]
"""

from __future__ import annotations

import asyncio
import sys
import time

from video_common import percentile, room_id, start_gateway, stop, token

CHROMIUM_ARGS = [
    "--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-gpu",
]

BASELINE_JS = """
async () => {
  const t0 = performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
  const gum = performance.now();
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  a.onicecandidate = e => b.addIceCandidate(e.candidate);
  b.onicecandidate = e => a.addIceCandidate(e.candidate);
  const video = document.createElement('video');
  video.muted = true; video.autoplay = true; document.body.appendChild(video);
  const first = new Promise(resolve => {
    b.ontrack = e => { video.srcObject = e.streams[0];
      video.requestVideoFrameCallback(() => resolve(performance.now())); };
  });
  stream.getTracks().forEach(t => a.addTrack(t, stream));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const frame = await first;
  a.close(); b.close(); stream.getTracks().forEach(t => t.stop());
  return {total: frame - t0, from_gum: frame - gum};
}
"""


async def measure(calls: int) -> None:
    from playwright.async_api import async_playwright

    proc, port = start_gateway({"GATEWAY_RING_TIMEOUT": "600"})
    base = f"http://127.0.0.1:{port}"
    link_ms: list[float] = []
    gum_ms: list[float] = []
    join_ms: list[float] = []
    wall_ms: list[float] = []
    baseline_total: list[float] = []
    baseline_gum: list[float] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=CHROMIUM_ARGS, headless=True)
        try:
            # warm-up call (first page load compiles the page, first PC loads codecs)
            for index in range(calls + 1):
                room = room_id()
                advisor_ctx = await browser.new_context(bypass_csp=True)
                customer_ctx = await browser.new_context(bypass_csp=True)
                advisor = await advisor_ctx.new_page()
                await advisor.goto(f"{base}/join/{token(room, 'advisor')}")
                await advisor.wait_for_function("window.vgState && window.vgState.joined")
                customer = await customer_ctx.new_page()
                clicked = time.perf_counter()
                await customer.goto(f"{base}/join/{token(room)}")
                # the join step: the customer taps to see themselves, then Join
                await customer.click("#btn-preview")
                await customer.click("#btn-join")
                await customer.wait_for_function("window.vgMetrics.firstFrame", timeout=30000)
                wall = (time.perf_counter() - clicked) * 1000
                metrics = await customer.evaluate("window.vgMetrics")
                if index:
                    link_ms.append(metrics["firstFrame"])
                    gum_ms.append(metrics["firstFrame"] - metrics["gum"])
                    join_ms.append(metrics["firstFrame"] - metrics["join"])
                    wall_ms.append(wall)
                await customer.click("#btn-hangup")
                await advisor_ctx.close()
                await customer_ctx.close()
            page = await (await browser.new_context(bypass_csp=True)).new_page()
            await page.goto(f"{base}/healthz")
            await page.evaluate(BASELINE_JS)  # warm-up
            for _ in range(calls):
                result = await page.evaluate(BASELINE_JS)
                baseline_total.append(result["total"])
                baseline_gum.append(result["from_gum"])
        finally:
            await browser.close()
            stop(proc)
    print(f"link -> first decoded remote frame, {calls} calls, headless Chromium, loopback")
    print(f"  {'':44} {'p50 ms':>8} {'p95 ms':>8}")
    rows = [
        ("gateway: navigation start -> first frame", link_ms),
        ("gateway: goto() called -> first frame (wall)", wall_ms),
        ("gateway: camera granted -> first frame", gum_ms),
        ("gateway: Join tapped -> first frame", join_ms),
        ("baseline, 2 PCs in one page: gUM call -> frame", baseline_total),
        ("baseline, 2 PCs in one page: camera -> frame", baseline_gum),
    ]
    for label, values in rows:
        print(f"  {label:44} {percentile(values, 50):8.0f} {percentile(values, 95):8.0f}")
    print("  target: p50 under 1000 ms on loopback")


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
