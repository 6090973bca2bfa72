"""Signed callbacks to Odoo (``POST /dealer_lead/video/event``), retried until accepted.

An event is accepted into a durable outbox (:mod:`video_gateway.outbox`) and delivered in
the order it happened *within its room* (a room's ``session_ended`` never overtakes its
``customer_waiting``); rooms are delivered independently, several at a time. A failing room
backs off 1, 2, 4 ... 60 s (its own schedule) until it succeeds or its oldest event is older
than ``max_age``; a 4xx other than 408/429 is final. Given-up events are kept as dead letters
and logged with the payload (minus any recording data).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import hmac
import json
import logging
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from .outbox import Entry, MemoryOutbox, Outbox

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


async def http_post(url: str, body: bytes, headers: dict[str, str],
                    timeout: float = 30.0) -> int | None:
    """POST on the event loop (cancellable, no thread to wait for at shutdown).

    The HTTP status, or None when Odoo could not be reached or did not answer in time.
    """
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    head = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
            f"Content-Length: {len(body)}"]
    head += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    async def exchange() -> int | None:
        reader, writer = await asyncio.open_connection(
            parts.hostname, port, ssl=ssl.create_default_context() if secure else None)
        try:
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
        fields = status_line.split(b" ", 2)
        if len(fields) < 2 or not fields[1].isdigit():
            return None
        return int(fields[1])

    try:
        return await asyncio.wait_for(exchange(), timeout)
    except (OSError, TimeoutError, ssl.SSLError, ValueError):
        return None


class OdooClient:
    """Accepts callbacks into a durable outbox and delivers them, room by room."""

    def __init__(self, base_url: str, secret: str, *, outbox: Outbox | None = None,
                 post: PostFn = http_post,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.time,
                 delays: list[float] | None = None, max_age: float = 86400.0,
                 concurrency: int = 8, poll_interval: float = 1.0) -> None:
        self.url = base_url.rstrip("/") + EVENT_PATH if base_url else ""
        self._secret = secret
        self._post = post
        self._sleep = sleep
        self._clock = clock
        self._delays = backoff_delays() if delays is None else delays
        self.outbox: Outbox = outbox if outbox is not None else MemoryOutbox()
        self.max_age = max_age
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self._intake: collections.deque[dict[str, Any]] = collections.deque()
        self._appender: asyncio.Task[None] | None = None
        self._scheduler: asyncio.Task[None] | None = None
        self._active: dict[str, asyncio.Task[None]] = {}
        self._attempts: dict[str, int] = {}
        self._wake = asyncio.Event()
        # event id -> room, for the events this process accepted and not yet delivered
        self._local: dict[str, str] = {}
        self.delivered: int = 0
        self.failed: int = 0
        self.stored: int = 0  # pending in the outbox at the last look (all replicas in Redis)

    # ------------------------------------------------------------ accepting
    def submit(self, event: str, fields: dict[str, Any]) -> str:
        """Accept one event; returns its ``event_id`` (Odoo is idempotent on it).

        The event is written to the outbox in the order of ``submit`` calls (one writer).
        """
        event_id = str(uuid.uuid4())
        payload = {"event_id": event_id, "event": event, **fields}
        if not self.url:
            _logger.warning("GATEWAY_ODOO_URL is empty: event %s not delivered: %s", event,
                            _loggable(payload))
            return event_id
        self._intake.append(payload)
        self._local[event_id] = str(fields.get("room", ""))
        self.start()
        if self._appender is None or self._appender.done():
            self._appender = asyncio.get_running_loop().create_task(self._append_all())
        return event_id

    def start(self) -> None:
        """Deliver what the outbox holds (left by a previous run or another replica)."""
        if self.url and (self._scheduler is None or self._scheduler.done()):
            self._scheduler = asyncio.get_running_loop().create_task(self._schedule())

    @property
    def pending(self) -> int:
        """Callbacks accepted here and not delivered yet."""
        return len(self._local)

    async def _append_all(self) -> None:
        while self._intake:
            payload = self._intake[0]
            try:
                await self.outbox.append(str(payload.get("room", "")), payload, self._clock())
            except Exception:  # the store is down: keep the order, try again
                _logger.exception("cannot store callback %s; retrying", payload["event_id"])
                await self._sleep(1.0)
                continue
            self._intake.popleft()
            self._wake.set()

    # ------------------------------------------------------------ delivering
    async def _schedule(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self._start_due_rooms()
                await self._forget_delivered_elsewhere()
                self.stored = await self.outbox.pending()
            except Exception:
                _logger.exception("callback outbox unavailable")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def _start_due_rooms(self) -> None:
        free = self.concurrency - len(self._active)
        if free <= 0:
            return
        for room in await self.outbox.due_rooms(self._clock(), free + len(self._active)):
            if room in self._active or len(self._active) >= self.concurrency:
                continue
            if await self.outbox.lease(room):
                task = asyncio.get_running_loop().create_task(self._deliver_room(room))
                self._active[room] = task

    async def _forget_delivered_elsewhere(self) -> None:
        """In Redis mode another replica may deliver our rooms: stop counting those."""
        for room in set(self._local.values()) - set(self._active):
            if any(p.get("room") == room for p in self._intake):
                continue
            if await self.outbox.head(room) is None:
                self._local = {e: r for e, r in self._local.items() if r != room}

    async def _deliver_room(self, room: str) -> None:
        """Deliver a room's callbacks in order; on a failure, back off this room only."""
        renewal = asyncio.get_running_loop().create_task(self._keep_lease(room))
        try:
            while (entry := await self.outbox.head(room)) is not None:
                status = await self._post_once(entry[1])
                if status is not None and 200 <= status < 300:
                    await self._done(room, entry)
                    self.delivered += 1
                    continue
                final = (status is not None and 400 <= status < 500
                         and status not in RETRYABLE_4XX)
                if final or self._clock() - entry[2] > self.max_age:
                    reason = f"refused with {status}" if final else "too old"
                    _logger.error("Odoo callback given up (%s), kept as dead letter: %s",
                                  reason, _loggable(entry[1]))
                    await self.outbox.bury(room, entry, reason)
                    self._settle(room, entry)
                    self.failed += 1
                    continue
                attempt = self._attempts.get(room, 0)
                delay = self._delays[min(attempt, len(self._delays) - 1)] if self._delays else 1
                self._attempts[room] = attempt + 1
                _logger.info("Odoo callback %s (%s) attempt %d got %s; room retried in %ss",
                             entry[1]["event"], entry[1]["event_id"], attempt + 1, status, delay)
                await self.outbox.defer(room, self._clock() + delay)
                return
        except asyncio.CancelledError:
            raise
        except Exception:
            _logger.exception("callback outbox failed while delivering a room")
            with contextlib.suppress(Exception):
                await self.outbox.defer(room, self._clock() + 1)
        finally:
            renewal.cancel()
            self._active.pop(room, None)
            with contextlib.suppress(Exception):
                await self.outbox.release(room)
            self._wake.set()

    async def _keep_lease(self, room: str) -> None:
        while True:
            await asyncio.sleep(3)
            with contextlib.suppress(Exception):
                await self.outbox.renew(room)

    async def _done(self, room: str, entry: Entry) -> None:
        await self.outbox.ack(room, entry[0])
        self._settle(room, entry)

    def _settle(self, room: str, entry: Entry) -> None:
        self._attempts.pop(room, None)
        self._local.pop(entry[1].get("event_id", ""), None)

    async def _post_once(self, payload: dict[str, Any]) -> int | None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        timestamp = str(int(self._clock()))
        headers = {"Content-Type": "application/json",
                   "X-Dealer-Timestamp": timestamp,
                   "X-Dealer-Signature": sign(self._secret, timestamp, body)}
        return await self._post(self.url, body, headers)

    async def deliver(self, payload: dict[str, Any]) -> bool:
        """Post one payload until a 2xx, outside the outbox (tests, tools)."""
        for attempt, delay in enumerate([*self._delays, None]):
            status = await self._post_once(payload)
            if status is not None and 200 <= status < 300:
                self.delivered += 1
                return True
            if status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX:
                break
            if delay is None:
                break
            _logger.info("Odoo callback %s attempt %d got %s; retry in %ss",
                         payload["event"], attempt + 1, status, delay)
            await self._sleep(delay)
        self.failed += 1
        return False

    # ------------------------------------------------------------ shutdown
    async def drain(self, timeout: float) -> None:
        """Wait (up to ``timeout``) for this process's callbacks; the rest stays stored."""
        deadline = self._clock() + timeout
        while (self._local or self._intake) and self._clock() < deadline:
            self._wake.set()
            await asyncio.sleep(0.05)
        if self._local:
            _logger.warning("%d Odoo callbacks still pending at shutdown: kept in the outbox, "
                            "delivered after restart", len(self._local))

    async def close(self) -> None:
        tasks = [t for t in (self._appender, self._scheduler, *self._active.values()) if t]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.outbox.close()


def _loggable(payload: dict[str, Any]) -> str:
    recording = payload.get("recording")
    if isinstance(recording, dict):
        payload = dict(payload, recording={**recording, "data_base64": "<omitted>"})
    return json.dumps(payload)
