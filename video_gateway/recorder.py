"""Consented recording: a server-side aiortc peer per party, one webm file per session.

Cheap path (the stock ``MediaRecorder`` encodes on the event loop, at full size, with slow
defaults): each party's browser sends a second, down-scaled copy of its tracks to this peer;
frames are composed side by side (2 x 320x240) at 15 fps and encoded in ONE background thread
with libvpx ``deadline=realtime cpu-used=8`` (VP8) and libopus for the mixed audio. The event
loop only hands frames over. Recording starts only when both parties consented (the room
decides; this module just executes).
"""

from __future__ import annotations

import array
import asyncio
import base64
import contextlib
import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_logger = logging.getLogger(__name__)

TILE_W, TILE_H = 320, 240
FPS = 15
AUDIO_RATE = 48000
AUDIO_CHUNK = 960  # 20 ms, what libopus wants
MAX_ATTACH_BYTES = 45 * 1024 * 1024  # base64 must fit Odoo's 64 MiB body limit
ROLES = ("customer", "advisor")


def configure_ice(*, loopback: bool = False, interfaces: tuple[str, ...] = ()) -> None:
    """Choose the host addresses the recorder's peers gather (``GATEWAY_RECORDER_ICE_*``).

    aioice gathers every non-loopback address of the machine; behind a single interface, on
    a test host or with the browsers on the same box, that may be the wrong set. aioice reads
    its host addresses process-wide, and in the gateway process the recorder is its only
    user, so the choice is made there once at startup. ``interfaces`` names adapters (e.g.
    ``lo,eth0``); a listed loopback adapter, or ``loopback``, adds 127.0.0.1 / ::1.
    """
    if not loopback and not interfaces:
        return
    import aioice.ice
    import ifaddr

    wanted = set(interfaces)

    def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        addresses: list[str] = []
        for adapter in ifaddr.get_adapters():
            if wanted and not {adapter.name, adapter.nice_name} & wanted:
                continue
            for ip in adapter.ips:
                if isinstance(ip.ip, str):
                    if use_ipv4 and (loopback or wanted or ip.ip != "127.0.0.1"):
                        addresses.append(ip.ip)
                elif use_ipv6 and ip.ip[2] == 0 and (loopback or wanted or ip.ip[0] != "::1"):
                    addresses.append(ip.ip[0])
        return addresses

    aioice.ice.get_host_addresses = host_addresses


class CompositeWriter(threading.Thread):
    """Background encoder: latest video frame of each role side by side, mixed audio."""

    def __init__(self, path: str, max_seconds: float, bitrate: int = 300_000) -> None:
        super().__init__(name="recorder-writer", daemon=True)
        self.path = path
        self.max_seconds = max_seconds
        self.bitrate = bitrate
        self.latest: dict[str, Any] = {}
        self.audio: dict[str, queue.SimpleQueue[Any]] = {r: queue.SimpleQueue() for r in ROLES}
        self._stop_event = threading.Event()
        self.frames_written = 0
        self.frames_in: dict[str, int] = dict.fromkeys(ROLES, 0)
        self.error: BaseException | None = None

    def push_video(self, role: str, frame: Any) -> None:
        self.latest[role] = frame  # only the newest matters; older ones are dropped
        self.frames_in[role] += 1

    def push_audio(self, role: str, frame: Any) -> None:
        self.audio[role].put(frame)

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by finish(); the call itself goes on
            self.error = exc
            _logger.exception("recording writer failed")

    def _run(self) -> None:
        import av

        container = av.open(self.path, "w", format="webm")
        video = container.add_stream("libvpx", rate=FPS, options={
            "deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0",
            "auto-alt-ref": "0", "threads": "1"})
        video.width, video.height, video.pix_fmt = TILE_W * 2, TILE_H, "yuv420p"
        video.bit_rate = self.bitrate
        audio = container.add_stream("libopus", rate=AUDIO_RATE, layout="mono")
        audio.bit_rate = 32_000
        resamplers = {r: av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
                      for r in ROLES}
        pcm: dict[str, array.array[int]] = {r: array.array("h") for r in ROLES}
        tiles: dict[str, Any] = {}
        blank = _blank_tile(av)
        start = time.monotonic()
        audio_pts = 0
        index = 0
        while not self._stop_event.is_set():
            elapsed = time.monotonic() - start
            if elapsed > self.max_seconds:
                break
            for role in ROLES:
                frame = self.latest.pop(role, None)
                if frame is not None:
                    tiles[role] = frame.reformat(width=TILE_W, height=TILE_H, format="yuv420p")
            out = _compose(av, tiles.get("customer", blank), tiles.get("advisor", blank))
            out.pts = index
            for packet in video.encode(out):
                container.mux(packet)
            self.frames_written += 1
            audio_pts = self._write_audio(av, container, audio, resamplers, pcm, audio_pts)
            index += 1
            delay = start + index / FPS - time.monotonic()
            if delay > 0:
                self._stop_event.wait(delay)
        for packet in video.encode(None):
            container.mux(packet)
        for packet in audio.encode(None):
            container.mux(packet)
        container.close()

    def _write_audio(self, av: Any, container: Any, stream: Any, resamplers: dict[str, Any],
                     pcm: dict[str, array.array[int]], pts: int) -> int:
        for role in ROLES:
            while True:
                try:
                    frame = self.audio[role].get_nowait()
                except queue.Empty:
                    break
                frame.pts = None
                for converted in resamplers[role].resample(frame):
                    pcm[role].frombytes(bytes(converted.planes[0])[:converted.samples * 2])
        # a silent party (camera and mic off, reconnecting) must not hold the other back
        longest = max(len(pcm[r]) for r in ROLES)
        for role in ROLES:
            if longest - len(pcm[role]) > AUDIO_RATE // 5:
                pcm[role].extend(array.array("h", [0]) * (longest - len(pcm[role])))
        while all(len(pcm[r]) >= AUDIO_CHUNK for r in ROLES):
            a, b = pcm["customer"][:AUDIO_CHUNK], pcm["advisor"][:AUDIO_CHUNK]
            del pcm["customer"][:AUDIO_CHUNK], pcm["advisor"][:AUDIO_CHUNK]
            mixed = array.array(
                "h", [max(-32768, min(32767, x + y)) for x, y in zip(a, b, strict=True)])
            frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_CHUNK)
            frame.planes[0].update(mixed.tobytes())
            frame.sample_rate, frame.pts = AUDIO_RATE, pts
            pts += AUDIO_CHUNK
            for packet in stream.encode(frame):
                container.mux(packet)
        return pts


def _blank_tile(av: Any) -> Any:
    frame = av.VideoFrame(TILE_W, TILE_H, "yuv420p")
    for plane, value in zip(frame.planes, (16, 128, 128), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    return frame


def _compose(av: Any, left: Any, right: Any) -> Any:
    """Two yuv420p tiles side by side (row copies, no scaling: tiles are already sized)."""
    out = av.VideoFrame(TILE_W * 2, TILE_H, "yuv420p")
    for out_plane, lp, rp in zip(out.planes, left.planes, right.planes, strict=True):
        width, height = lp.width, lp.height
        lbuf, rbuf = memoryview(lp), memoryview(rp)
        rows = bytearray()
        for y in range(height):
            rows += lbuf[y * lp.line_size: y * lp.line_size + width]
            rows += rbuf[y * rp.line_size: y * rp.line_size + width]
            rows += bytes(out_plane.line_size - 2 * width)
        out_plane.update(bytes(rows))
    return out


class RoomRecording:
    """The aiortc peers and the writer of one room's recording."""

    def __init__(self, room: str, path: str, max_seconds: float,
                 ice_servers: list[dict[str, Any]] | None = None) -> None:
        self.room = room
        self.ice_servers = ice_servers or []
        self.path = path
        self.writer = CompositeWriter(path, max_seconds)
        self.pcs: dict[str, Any] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.started_at = datetime.now(UTC)
        self.writer.start()

    async def offer(self, role: str, sdp: str) -> str:
        from aiortc import (
            RTCConfiguration,
            RTCIceServer,
            RTCPeerConnection,
            RTCSessionDescription,
        )

        old = self.pcs.pop(role, None)
        if old is not None:  # a reconnecting party sends a new offer
            await old.close()
        # behind NAT/containers the browser may not reach our host candidates: use TURN too
        servers = [RTCIceServer(**server) for server in self.ice_servers]
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))
        self.pcs[role] = pc

        @pc.on("track")
        def on_track(track: Any) -> None:
            task = asyncio.get_running_loop().create_task(self._consume(role, track))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def _consume(self, role: str, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        push = self.writer.push_video if track.kind == "video" else self.writer.push_audio
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            push(role, frame)

    async def stop(self) -> None:
        for pc in self.pcs.values():
            await pc.close()
        for task in list(self.tasks):
            task.cancel()
        self.writer.stop()
        await asyncio.to_thread(self.writer.join, 30)


class RecorderPool:
    """All recordings of this process (the shell calls it on the room's actions)."""

    def __init__(self, workdir: str | None = None, max_seconds: float = 1800,
                 ice_servers: Callable[[str], list[dict[str, Any]]] | None = None) -> None:
        self.workdir = workdir or tempfile.mkdtemp(prefix="video-gateway-rec-")
        self.max_seconds = max_seconds
        self.ice_servers = ice_servers
        self.active: dict[str, RoomRecording] = {}

    def start(self, room: str, instance: str) -> None:
        if room in self.active:
            return
        path = os.path.join(self.workdir, f"{instance}.webm")
        servers = self.ice_servers(room) if self.ice_servers else None
        self.active[room] = RoomRecording(room, path, self.max_seconds, servers)

    async def offer(self, room: str, role: str, sdp: str) -> str:
        recording = self.active.get(room)
        if recording is None:
            raise LookupError("no recording in this room")
        return await recording.offer(role, sdp)

    async def discard(self, room: str) -> None:
        recording = self.active.pop(room, None)
        if recording:
            await recording.stop()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(recording.path)

    async def finish(self, room: str) -> dict[str, str] | None:
        """Stop and hand the file over as the contract's ``recording`` object (or None)."""
        recording = self.active.pop(room, None)
        if recording is None:
            return None
        await recording.stop()
        try:
            size = os.path.getsize(recording.path)
            writer = recording.writer
            if writer.error or not writer.frames_written or size == 0:
                return None
            if not any(writer.frames_in.values()):
                _logger.warning("recording without any received video, not attached")
                return None
            if size > MAX_ATTACH_BYTES:
                _logger.error("recording of %d bytes too large to attach; kept at %s", size,
                              recording.path)
                return None
            data = await asyncio.to_thread(Path(recording.path).read_bytes)
            os.unlink(recording.path)
        except FileNotFoundError:
            return None
        stamp = recording.started_at.strftime("%Y%m%d-%H%M%S")
        return {"filename": f"video-call-{stamp}.webm", "mimetype": "video/webm",
                "data_base64": base64.b64encode(data).decode("ascii")}

    async def close(self) -> None:
        for room in list(self.active):
            await self.discard(room)
