"""Signalling capacity of one gateway process: call setups per second, server CPU per setup,
memory per live session. A "setup" = customer and advisor connect with join tokens, both get
``ready``, then an offer, an answer and 8 trickled candidates are relayed (what a real call
does). Baseline from the same run: a bare ``websockets`` echo server (no tokens, no rooms),
connected and pinged by the same client.

    .venv/bin/python bench/video_signalling.py [ROOMS]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import websockets
from video_common import cpu_seconds, room_id, rss_mib, start_gateway, stop, token

SDP = "v=0\r\n" + "a=x-bench:" + "x" * 2500 + "\r\n"  # about the size of a browser offer
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host",
             "sdpMid": "0", "sdpMLineIndex": 0}
ECHO_SERVER = """
import asyncio, sys
from websockets.asyncio.server import serve
async def echo(ws):
    async for m in ws:
        await ws.send(m)
async def main():
    async with serve(echo, "127.0.0.1", 0, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"""


async def recv_type(ws: websockets.ClientConnection, kind: str) -> dict:
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == kind:
            return message


async def one_call(url: str, keep: list) -> None:
    room = room_id()
    customer = await websockets.connect(f"{url}?room={room}&t={token(room)}", compression=None)
    advisor = await websockets.connect(f"{url}?room={room}&t={token(room, 'advisor')}",
                                       compression=None)
    ready = await recv_type(advisor, "ready")
    await recv_type(customer, "ready")
    epoch = ready["epoch"]
    await advisor.send(json.dumps({"type": "offer", "epoch": epoch, "sdp": SDP}))
    await recv_type(customer, "offer")
    await customer.send(json.dumps({"type": "answer", "epoch": epoch, "sdp": SDP}))
    for ws in (customer, advisor):
        for _ in range(4):
            await ws.send(json.dumps({"type": "candidate", "epoch": epoch,
                                      "candidate": CANDIDATE}))
    await recv_type(advisor, "answer")
    keep.append((customer, advisor))


async def run_gateway(rooms: int, concurrency: int) -> dict:
    proc, port = start_gateway({"GATEWAY_RING_TIMEOUT": "600"})
    url = f"ws://127.0.0.1:{port}/ws"
    keep: list = []
    try:
        await one_call(url, keep)  # warm-up
        rss0, cpu0, t0 = rss_mib(proc.pid), cpu_seconds(proc.pid), time.perf_counter()
        semaphore = asyncio.Semaphore(concurrency)

        async def bounded() -> None:
            async with semaphore:
                await one_call(url, keep)

        await asyncio.gather(*(bounded() for _ in range(rooms)))
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(proc.pid) - cpu0
        await asyncio.sleep(1)
        rss = rss_mib(proc.pid)
        idle0 = cpu_seconds(proc.pid)
        await asyncio.sleep(3)
        idle = (cpu_seconds(proc.pid) - idle0) / 3
        for customer, advisor in keep:
            await customer.close()
            await advisor.close()
        return {"elapsed": elapsed, "cpu": cpu, "rss_delta": rss - rss0, "rss": rss,
                "idle": idle}
    finally:
        stop(proc)


async def run_echo(sockets: int, concurrency: int) -> dict:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", ECHO_SERVER,
                                                stdout=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    port = int(await proc.stdout.readline())
    url = f"ws://127.0.0.1:{port}"
    keep = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with semaphore:
            ws = await websockets.connect(url, compression=None)
            await ws.send("x")
            await ws.recv()
            keep.append(ws)

    try:
        cpu0, t0 = cpu_seconds(proc.pid), time.perf_counter()
        await asyncio.gather(*(one() for _ in range(sockets)))
        elapsed = time.perf_counter() - t0
        cpu = cpu_seconds(proc.pid) - cpu0
        for ws in keep:
            await ws.close()
        return {"elapsed": elapsed, "cpu": cpu}
    finally:
        proc.terminate()
        await proc.wait()


async def main(rooms: int) -> None:
    gateway = await run_gateway(rooms, concurrency=50)
    echo = await run_echo(rooms * 2, concurrency=50)
    print(f"signalling capacity, one gateway process, {rooms} calls ({rooms * 2} sockets), "
          "client on the same 2 cores")
    print(f"  call setups/s (2 connects + ready + 12 relayed msgs): "
          f"{rooms / gateway['elapsed']:8.0f}")
    print(f"  server CPU per call setup:                          "
          f"{gateway['cpu'] / rooms * 1000:8.2f} ms")
    print(f"  server RSS with {rooms} live calls: {gateway['rss']:.0f} MiB "
          f"(+{gateway['rss_delta'] * 1024 / rooms:.0f} KiB per call)")
    print(f"  idle CPU with {rooms} live calls: {gateway['idle'] * 100:.1f} % of a core")
    per_call_kib = max(1.0, gateway["rss_delta"] * 1024 / rooms)
    print(f"  => ~{1000 / (gateway['cpu'] / rooms * 1000):.0f} call setups/s per server core; "
          f"~{1024 * 1024 / per_call_kib:,.0f} live calls per GiB of RSS")
    print("  baseline, bare websockets echo server, same client:")
    print(f"    connects/s: {rooms * 2 / echo['elapsed']:8.0f}   server CPU per connect+echo: "
          f"{echo['cpu'] / (rooms * 2) * 1000:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
