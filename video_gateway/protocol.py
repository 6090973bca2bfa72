"""Signalling message schema: validation of what clients send, limits, close codes.

Every client message is a JSON object with a ``type``; anything else is refused with an
``error`` message (never a traceback). ``docs/video-protocol.md`` is the public version.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

MAX_SDP_CHARS = 64 * 1024
MAX_CANDIDATE_CHARS = 1024
MAX_CANDIDATES_PER_EPOCH = 200

# websocket close codes (4000-4999 are application codes)
CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_POLICY = 1008
CLOSE_REPLACED = 4000  # the same seat rejoined from another socket
CLOSE_ROOM_TAKEN = 4003  # another advisor already took the room
CLOSE_ROOM_FULL = 4009  # the role's seat is occupied
CLOSE_ENDED = 4010  # the session is over
CLOSE_RATE_LIMITED = 4029


class ProtocolError(ValueError):
    """A client message is refused; ``code`` is sent back in an ``error`` message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclasses.dataclass(frozen=True, slots=True)
class ClientMessage:
    type: str
    fields: dict[str, Any]


def _epoch(data: dict[str, Any]) -> int:
    epoch = data.get("epoch")
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise ProtocolError("bad_message", "epoch must be a non-negative integer")
    return epoch


def _sdp(data: dict[str, Any]) -> str:
    sdp = data.get("sdp")
    if not isinstance(sdp, str) or not sdp.startswith("v=0") or len(sdp) > MAX_SDP_CHARS:
        raise ProtocolError("bad_message", "sdp must be an SDP string of at most 64 KiB")
    return sdp


def _description(data: dict[str, Any]) -> dict[str, Any]:
    return {"epoch": _epoch(data), "sdp": _sdp(data)}


def _candidate(data: dict[str, Any]) -> dict[str, Any]:
    candidate = data.get("candidate", "missing")
    if candidate is None:  # end of candidates
        return {"epoch": _epoch(data), "candidate": None}
    if not isinstance(candidate, dict):
        raise ProtocolError("bad_message", "candidate must be an object or null")
    line = candidate.get("candidate")
    mid = candidate.get("sdpMid")
    index = candidate.get("sdpMLineIndex")
    if not isinstance(line, str) or len(line) > MAX_CANDIDATE_CHARS:
        raise ProtocolError("bad_message", "candidate.candidate must be a string")
    if mid is not None and (not isinstance(mid, str) or len(mid) > 32):
        raise ProtocolError("bad_message", "candidate.sdpMid must be a short string or null")
    if index is not None and (not isinstance(index, int) or not 0 <= index < 16):
        raise ProtocolError("bad_message", "candidate.sdpMLineIndex must be a small integer")
    return {"epoch": _epoch(data),
            "candidate": {"candidate": line, "sdpMid": mid, "sdpMLineIndex": index}}


def _media(data: dict[str, Any]) -> dict[str, Any]:
    audio, video = data.get("audio"), data.get("video")
    if not isinstance(audio, bool) or not isinstance(video, bool):
        raise ProtocolError("bad_message", "audio and video must be booleans")
    return {"audio": audio, "video": video}


def _consent(data: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(data.get("recording"), bool):
        raise ProtocolError("bad_message", "recording must be a boolean")
    return {"recording": data["recording"]}


def _callback_time(data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("at")
    if not isinstance(raw, str) or len(raw) > 40:
        raise ProtocolError("bad_message", "at must be an ISO-8601 date-time string")
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        raise ProtocolError("bad_message", "at must be an ISO-8601 date-time string") from None
    if at.tzinfo is None:
        raise ProtocolError("bad_message", "at must carry a time zone offset")
    return {"at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _hangup(data: dict[str, Any]) -> dict[str, Any]:
    reason = data.get("reason", "hangup")
    if reason not in ("hangup", "failed"):
        raise ProtocolError("bad_message", "reason must be 'hangup' or 'failed'")
    return {"reason": reason}


def _rec_offer(data: dict[str, Any]) -> dict[str, Any]:
    return {"sdp": _sdp(data)}


def _empty(data: dict[str, Any]) -> dict[str, Any]:
    return {}


VALIDATORS = {
    "offer": _description,
    "answer": _description,
    "candidate": _candidate,
    "media": _media,
    "consent": _consent,
    "callback_time": _callback_time,
    "hangup": _hangup,
    "renegotiate": _empty,
    "rec_offer": _rec_offer,
    "ping": _empty,
}


def parse_client_message(raw: str | bytes) -> ClientMessage:
    """Validate one websocket frame from a client; raise :class:`ProtocolError`."""
    if isinstance(raw, bytes):
        raise ProtocolError("bad_message", "binary frames are not accepted")
    try:
        data = json.loads(raw)
    except RecursionError:  # deeply nested arrays/objects: refused, the socket stays open
        raise ProtocolError("bad_message", "message is nested too deeply") from None
    except ValueError:
        raise ProtocolError("bad_message", "message is not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "message must be a JSON object")
    kind = data.get("type")
    validator = VALIDATORS.get(kind) if isinstance(kind, str) else None
    if validator is None:
        raise ProtocolError("unknown_type", f"unknown message type: {str(kind)[:32]!r}")
    return ClientMessage(kind, validator(data))


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


@dataclasses.dataclass(slots=True)
class RateLimiter:
    """Token bucket with an injected clock: ``rate`` messages/s, bursts up to ``burst``."""

    rate: float
    burst: float
    tokens: float = -1.0
    last: float = 0.0

    def allow(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens, self.last = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
