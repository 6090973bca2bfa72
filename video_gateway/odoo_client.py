"""Signed callbacks to Odoo (``POST /dealer_lead/video/event``), retried until accepted.

Events are delivered one at a time in the order they happened (a room's ``session_ended``
never overtakes its ``customer_waiting``). Retries back off 1, 2, 4 ... 60 s for up to an hour;
a 4xx other than 408/429 is final (logged with the payload, minus any recording data).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

_logger = logging.getLogger(__name__)

EVENT_PATH = "/dealer_lead/video/event"
RETRYABLE_4XX = (408, 429)

PostFn = Callable[[str, bytes, dict[str, str]], Awaitable[int | None]]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{raw_body}"`` (the contract's callback signature)."""
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def backoff_delays(max_delay: float = 60.0, max_total: float = 3600.0) -> list[float]:
    """1, 2, 4 ... capped at ``max_delay``, until ``max_total`` seconds have been waited."""
    delays: list[float] = []
    delay, total = 1.0, 0.0
    while total + delay <= max_total:
        delays.append(delay)
        total += delay
        delay = min(delay * 2, max_delay)
    return delays


async def urllib_post(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    """POST in a worker thread; the HTTP status, or None when Odoo could not be reached."""

    def post() -> int | None:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, OSError, TimeoutError):
            return None

    return await asyncio.to_thread(post)


class OdooClient:
    def __init__(self, base_url: str, secret: str, *, post: PostFn = urllib_post,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.time,
                 delays: list[float] | None = None) -> None:
        self.url = base_url.rstrip("/") + EVENT_PATH if base_url else ""
        self._secret = secret
        self._post = post
        self._sleep = sleep
        self._clock = clock
        self._delays = backoff_delays() if delays is None else delays
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self.delivered: int = 0
        self.failed: int = 0

    def submit(self, event: str, fields: dict[str, Any]) -> str:
        """Queue one event; returns its ``event_id`` (Odoo is idempotent on it)."""
        event_id = str(uuid.uuid4())
        payload = {"event_id": event_id, "event": event, **fields}
        if not self.url:
            _logger.warning("GATEWAY_ODOO_URL is empty: event %s not delivered: %s", event,
                            _loggable(payload))
            return event_id
        self._queue.put_nowait(payload)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())
        return event_id

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def drain(self, timeout: float) -> None:
        """Wait (up to ``timeout``) for queued events to be delivered, e.g. on shutdown."""
        if self._worker is None:
            return
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            _logger.warning("%d Odoo callbacks still pending at shutdown", self.pending)

    async def close(self) -> None:
        if self._worker:
            self._worker.cancel()
            try:
                await self._worker
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            payload = await self._queue.get()
            try:
                await self.deliver(payload)
            finally:
                self._queue.task_done()

    async def deliver(self, payload: dict[str, Any]) -> bool:
        """Post until a 2xx; False when Odoo refused for good or the retry budget ran out."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        for attempt, delay in enumerate([*self._delays, None]):
            timestamp = str(int(self._clock()))
            headers = {"Content-Type": "application/json",
                       "X-Dealer-Timestamp": timestamp,
                       "X-Dealer-Signature": sign(self._secret, timestamp, body)}
            status = await self._post(self.url, body, headers)
            if status is not None and 200 <= status < 300:
                self.delivered += 1
                return True
            if status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX:
                break
            if delay is None:
                break
            _logger.info("Odoo callback %s (%s) attempt %d got %s; retry in %ss",
                         payload["event"], payload["event_id"], attempt + 1, status, delay)
            await self._sleep(delay)
        self.failed += 1
        _logger.error("Odoo callback given up, payload kept here: %s", _loggable(payload))
        return False


def _loggable(payload: dict[str, Any]) -> str:
    recording = payload.get("recording")
    if isinstance(recording, dict):
        payload = dict(payload, recording={**recording, "data_base64": "<omitted>"})
    return json.dumps(payload)
