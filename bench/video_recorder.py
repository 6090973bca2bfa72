"""CPU and memory per recorded stream: the gateway's recorder vs aiortc's stock MediaRecorder.

A server process receives N streams from aiortc senders (moving ``testsrc2`` pattern, VP8) and
either (none) only receives and decodes them — what any server-side peer costs —, (custom)
records them with ``video_gateway.recorder`` (2 parties per room, side by side, VP8 realtime in
a thread), or (stock) records each with ``aiortc.contrib.media.MediaRecorder`` to webm. Server
CPU comes from /proc over a steady window; fps = frames the server received per stream.

    .venv/bin/python bench/video_recorder.py [SECONDS]
"""

from __future__ import annotations

import asyncio
import fractions
import gc
import json
import os
import sys
import tempfile
import time
from typing import Any

from video_common import REPO, rss_mib

STREAMS = 2  # one call: customer + advisor


# ------------------------------------------------------------------ server side
class BenchServer:
    """The measured process: answers offers, then reports CPU and received frame rates."""

    def __init__(self, mode: str) -> None:
        from video_gateway.recorder import RecorderPool

        self.mode = mode
        self.workdir = tempfile.mkdtemp(prefix="bench-rec-")
        self.pool = RecorderPool(self.workdir)
        self.received = [0] * STREAMS
        self.pcs: list[Any] = []
        self.recorders: list[Any] = []
        self.errors: list[str] = []
        self.mark: dict[str, Any] = {}

    async def consume(self, index: int, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                self.received[index] += 1

    async def offer_custom(self, index: int, sdp: str) -> str:
        room = f"room{index // 2}"
        if room not in self.pool.active:
            self.pool.start(room, room)
            writer = self.pool.active[room].writer
            original = writer.push_video

            def counting(role: str, frame: Any, first: int = index) -> None:
                self.received[first + (role == "advisor")] += 1
                original(role, frame)

            writer.push_video = counting  # type: ignore[method-assign]
        return await self.pool.offer(room, ("customer", "advisor")[index % 2], sdp)

    async def offer(self, index: int, sdp: str) -> str:
        from aiortc import RTCPeerConnection, RTCSessionDescription
        from aiortc.contrib.media import MediaRecorder

        if self.mode == "custom":
            return await self.offer_custom(index, sdp)
        pc = RTCPeerConnection()
        self.pcs.append(pc)
        recorder = (MediaRecorder(os.path.join(self.workdir, f"s{index}.webm"))
                    if self.mode == "stock" else None)
        loop = asyncio.get_running_loop()

        @pc.on("track")
        def on_track(track: Any) -> None:
            if recorder is None:
                loop.create_task(self.consume(index, track))
            elif track.kind == "video":
                recorder.addTrack(_Counting(track, self.received, index))
            else:
                recorder.addTrack(track)

        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        if recorder:
            self.recorders.append(recorder)
            await recorder.start()
        return pc.localDescription.sdp

    def stats(self) -> dict[str, Any]:
        elapsed = time.monotonic() - self.mark["t"]
        return {"cpu": (sum(os.times()[:2]) - self.mark["cpu"]) / elapsed,
                "fps": [(r - r0) / elapsed
                        for r, r0 in zip(self.received, self.mark["received"], strict=True)],
                "rss": rss_mib(os.getpid()), "errors": sorted(set(self.errors))}

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # the stock recorder's per-track tasks die silently: keep what killed them
        loop.set_exception_handler(lambda _loop, context: self.errors.append(str(
            context.get("exception") or context.get("message"))))
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            cmd = json.loads(line or '{"cmd": "quit"}')
            if cmd["cmd"] == "offer":
                reply: dict[str, Any] = {"sdp": await self.offer(cmd["index"], cmd["sdp"])}
            elif cmd["cmd"] == "mark":
                self.mark = {"cpu": sum(os.times()[:2]), "t": time.monotonic(),
                             "received": list(self.received)}
                reply = {}
            elif cmd["cmd"] == "stats":
                reply = self.stats()
            else:
                break
            print(json.dumps(reply), flush=True)
        for recorder in self.recorders:
            await recorder.stop()
        await self.pool.close()
        for pc in self.pcs:
            await pc.close()


class _Counting:
    """Counts the frames the stock recorder pulls (it consumes the track itself)."""

    def __init__(self, track: Any, counter: list[int], index: int) -> None:
        self._track, self._counter, self._index = track, counter, index
        self.kind = track.kind

    async def recv(self) -> Any:
        frame = await self._track.recv()
        self._counter[self._index] += 1
        return frame

    def __getattr__(self, name: str) -> Any:
        return getattr(self._track, name)


# ------------------------------------------------------------------ client side
def pattern_track(width: int, height: int, fps: int) -> Any:
    import av
    from aiortc.mediastreams import VideoStreamTrack

    class Pattern(VideoStreamTrack):
        def __init__(self) -> None:
            super().__init__()
            self._source = av.open(f"testsrc2=size={width}x{height}:rate={fps}",
                                   format="lavfi")
            self._frames = self._source.decode(video=0)
            self._start: float | None = None
            self._count = 0

        async def recv(self) -> Any:
            if self._start is None:
                self._start = time.monotonic()
            self._count += 1
            wait = self._start + self._count / fps - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            frame = next(self._frames)
            frame.pts = self._count * (90000 // fps)
            frame.time_base = fractions.Fraction(1, 90000)
            return frame

    return Pattern()


async def run(mode: str, width: int, height: int, fps: int, seconds: float) -> dict[str, Any]:
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack

    server = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", mode, cwd=REPO,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert server.stdin and server.stdout

    async def ask(cmd: dict[str, Any]) -> dict[str, Any]:
        assert server.stdin and server.stdout
        server.stdin.write((json.dumps(cmd) + "\n").encode())
        await server.stdin.drain()
        return json.loads(await server.stdout.readline())

    senders = []
    try:
        for index in range(STREAMS):
            pc = RTCPeerConnection()
            pc.addTrack(pattern_track(width, height, fps))
            pc.addTrack(AudioStreamTrack())
            await pc.setLocalDescription(await pc.createOffer())
            answer = await ask({"cmd": "offer", "index": index, "sdp": pc.localDescription.sdp})
            await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], "answer"))
            senders.append(pc)
        await asyncio.sleep(4)  # connect, first keyframes, steady state
        await ask({"cmd": "mark"})
        await asyncio.sleep(seconds)
        stats = await ask({"cmd": "stats"})
        server.stdin.write(b'{"cmd": "quit"}\n')
        await server.stdin.drain()
        await asyncio.wait_for(server.wait(), 60)
        return stats
    finally:
        for pc in senders:
            await pc.close()
        if server.returncode is None:
            server.kill()


async def main(seconds: float) -> None:
    print(f"recording cost, {STREAMS} streams (one call), server process only, "
          f"{seconds:.0f} s steady window, 2 vCPU shared with the senders")
    print(f"  {'input':>12} {'server':>30} {'cores':>6} {'/stream':>8} {'+rec/stream':>11} "
          f"{'fps in':>7} {'RSS MiB':>8}")
    for width, height, fps in ((320, 240, 15), (640, 480, 30)):
        base = None
        gc.collect()
        for mode in ("none", "custom", "stock"):
            stats = await run(mode, width, height, fps, seconds)
            if mode == "none":
                base = stats["cpu"]
            label = {"none": "receive + decode only (baseline)",
                     "custom": "video_gateway recorder",
                     "stock": "aiortc MediaRecorder (stock)"}[mode]
            extra = (stats["cpu"] - base) / STREAMS if base is not None else 0
            fps_in = sum(stats["fps"]) / len(stats["fps"])
            print(f"  {f'{width}x{height}@{fps}':>12} {label:>32} {stats['cpu']:6.2f} "
                  f"{stats['cpu'] / STREAMS:8.3f} {extra:11.3f} {fps_in:7.1f} "
                  f"{stats['rss']:8.0f}")
            if not fps_in:
                reason = "; ".join(stats["errors"]) or (
                    "its track tasks died: 'Cannot change width after codec is open' (audio "
                    "muxed before the first video frame, size not 640x480)")
                print(f"  {'':12} FAILED, nothing recorded: {reason}")
    print("  target: recorder <= +0.15 core per recorded stream, no frame-rate drop")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        sys.path.insert(0, str(REPO))
        asyncio.run(BenchServer(sys.argv[2]).run())
    else:
        asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10))
