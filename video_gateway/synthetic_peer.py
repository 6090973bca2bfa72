"""A scripted aiortc client of the signalling protocol: the real peer of tests and benchmarks.

It speaks exactly what ``docs/video-protocol.md`` describes (welcome, ready/epoch, offer,
answer, candidate, hang-up, rec_offer) and counts the frames it decodes from the other side.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import websockets
from aiortc import (
    RTCConfiguration,
    RTCIceCandidate,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp


class SyntheticPeer:
    def __init__(self, ws_url: str, token: str, *, room: str = "", resume: bool = False,
                 origin: str | None = None) -> None:
        param = "resume" if resume else "t"
        self.url = f"{ws_url}?{param}={token}" + (f"&room={room}" if room else "")
        self.origin = origin
        self.ws: Any = None
        self.pc: RTCPeerConnection | None = None
        self.epoch = 0
        self.welcome: dict[str, Any] = {}
        self.messages: list[dict[str, Any]] = []
        self.frames: dict[str, int] = {"video": 0, "audio": 0}
        self.first_frame_at: float | None = None
        self.started = time.monotonic()
        self.ended = asyncio.Event()
        self.got: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reader: asyncio.Task[None] | None = None
        self.rec_pc: RTCPeerConnection | None = None

    # ------------------------------------------------------------ lifecycle
    async def connect(self) -> SyntheticPeer:
        headers = {"Origin": self.origin} if self.origin else None
        self.started = time.monotonic()
        self.ws = await websockets.connect(self.url, additional_headers=headers,
                                           open_timeout=30)
        self.welcome = json.loads(await self.ws.recv())
        self._reader = asyncio.get_running_loop().create_task(self._read())
        return self

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def wait_for(self, kind: str, timeout: float = 30) -> dict[str, Any]:
        for message in self.messages:
            if message["type"] == kind:
                return message
        event = self.got.setdefault(kind, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)
        return [m for m in self.messages if m["type"] == kind][-1]

    async def wait_frames(self, kind: str = "video", count: int = 10,
                          timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while self.frames[kind] < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.frames[kind]} {kind} frames")
            await asyncio.sleep(0.05)

    async def hangup(self, reason: str = "hangup") -> None:
        await self.send({"type": "hangup", "reason": reason})

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        for task in list(self._tasks):
            task.cancel()
        for pc in (self.pc, self.rec_pc):
            if pc:
                await pc.close()
        if self.ws:
            await self.ws.close()

    async def drop(self) -> None:
        """A network drop: the socket and the media go away without a hang-up."""
        if self._reader:
            self._reader.cancel()
        if self.pc:
            await self.pc.close()
            self.pc = None
        await self.ws.close()

    # ------------------------------------------------------------ protocol
    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                self.messages.append(message)
                await self._handle(message)
                self.got.setdefault(message["type"], asyncio.Event()).set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.ended.set()

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ready":
            self.epoch = message["epoch"]
            await self._new_pc()
            if message["offerer"]:
                assert self.pc is not None
                await self.pc.setLocalDescription(await self.pc.createOffer())
                await self.send({"type": "offer", "epoch": self.epoch,
                                 "sdp": self.pc.localDescription.sdp})
        elif kind == "offer" and self.pc and message["epoch"] == self.epoch:
            await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "offer"))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            await self.send({"type": "answer", "epoch": self.epoch,
                             "sdp": self.pc.localDescription.sdp})
        elif kind == "answer" and self.pc and message["epoch"] == self.epoch:
            await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "answer"))
        elif kind == "candidate" and self.pc and message["epoch"] == self.epoch:
            if message["candidate"] is None:  # end of candidates: lets aiortc conclude
                await self.pc.addIceCandidate(None)
            elif candidate := _candidate(message["candidate"]):
                await self.pc.addIceCandidate(candidate)
        elif kind == "rec_answer" and self.rec_pc:
            await self.rec_pc.setRemoteDescription(
                RTCSessionDescription(message["sdp"], "answer"))

    async def _new_pc(self) -> None:
        if self.pc:
            await self.pc.close()
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTrack(VideoStreamTrack())
        self.pc.addTrack(AudioStreamTrack())

        @self.pc.on("track")
        def on_track(track: Any) -> None:
            self._spawn(self._count(track))

    async def start_recorder_leg(self) -> None:
        """Send a copy of this party's media to the gateway's recorder (rec_offer)."""
        self.rec_pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.rec_pc.addTrack(VideoStreamTrack())
        self.rec_pc.addTrack(AudioStreamTrack())
        await self.rec_pc.setLocalDescription(await self.rec_pc.createOffer())
        await self.send({"type": "rec_offer", "sdp": self.rec_pc.localDescription.sdp})

    async def _count(self, track: Any) -> None:
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video" and self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
            self.frames[track.kind] += 1

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _candidate(data: dict[str, Any]) -> RTCIceCandidate | None:
    """A browser's trickled candidate for aiortc (None when it cannot be parsed)."""
    line = data["candidate"]
    line = line.removeprefix("candidate:")
    with contextlib.suppress(ValueError):
        candidate = candidate_from_sdp(line)
        candidate.sdpMid = data.get("sdpMid")
        candidate.sdpMLineIndex = data.get("sdpMLineIndex")
        return candidate
    return None
