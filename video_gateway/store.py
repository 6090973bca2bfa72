"""Shared state across replicas: single-use token ids, room ownership, cross-replica events.

:class:`MemoryStore` (default) is all one replica needs. :class:`RedisStore` is chosen when
``GATEWAY_REDIS_URL`` is set: ``SET NX EX`` for single use and ownership, pub/sub for events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from typing import Any, Protocol

KEY_PREFIX = "video_gateway:"
EVENTS_CHANNEL = KEY_PREFIX + "events"

# refresh an owned room only if this replica still owns it (atomic compare-and-expire);
# a key lost with an emptied Redis is taken back by the replica that holds the room
_REFRESH_LUA = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
elseif not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
end
return 0
"""
# the store's epoch: created when missing (first use, or Redis came back empty), then kept
_EPOCH_LUA = """
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
"""
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Store(Protocol):
    async def consume_jti(self, jti: str, ttl: int) -> bool:
        """True the first time ``jti`` is seen (then it is spent), False on a replay."""

    async def jti_spent(self, jti: str) -> bool:
        """Read-only check (the atomic spend is :meth:`consume_jti`)."""

    async def claim_room(self, room: str, replica: str, ttl: int) -> str:
        """The replica that owns ``room`` (this one if nobody did)."""

    async def epoch(self, now: float, *, startup: bool = False) -> int:
        """Unix time since which spent token ids are known; older join tokens are refused."""

    async def refresh_rooms(self, rooms: list[str], replica: str, ttl: int) -> None: ...

    async def release_room(self, room: str, replica: str) -> None: ...

    async def publish(self, event: str, fields: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class MemoryStore:
    """In-process state: the single-replica default."""

    def __init__(self, clock: Any = time.time, spent_file: str = "") -> None:
        self._clock = clock
        self._jtis: dict[str, float] = {}
        self._spent_file = spent_file
        if spent_file:
            self._load_spent()
        self._rooms: dict[str, str] = {}
        self.subscribers: list[asyncio.Queue[dict[str, Any]]] = []

    async def consume_jti(self, jti: str, ttl: int) -> bool:
        now = self._clock()
        if len(self._jtis) > 10000:
            self._jtis = {k: exp for k, exp in self._jtis.items() if exp > now}
        if self._jtis.get(jti, 0) > now:
            return False
        self._jtis[jti] = now + ttl
        if self._spent_file:  # a restart must not make a used link usable again
            self._write_spent(jti, now + ttl)
        return True

    def _write_spent(self, jti: str, expiry: float) -> None:
        with open(self._spent_file, "a", encoding="ascii") as spent:
            spent.write(f"{expiry:.0f} {jti}\n")
            spent.flush()
            os.fsync(spent.fileno())

    def _load_spent(self) -> None:
        """Read the spent ids still valid, and rewrite the file with only those."""
        now = self._clock()
        with contextlib.suppress(FileNotFoundError), \
                open(self._spent_file, encoding="ascii") as spent:
            for line in spent:
                expiry, _, jti = line.strip().partition(" ")
                if jti and expiry.isdigit() and float(expiry) > now:
                    self._jtis[jti] = float(expiry)
        tmp = self._spent_file + ".tmp"
        with open(tmp, "w", encoding="ascii") as fresh:
            fresh.writelines(f"{exp:.0f} {jti}\n" for jti, exp in self._jtis.items())
        os.replace(tmp, self._spent_file)

    async def jti_spent(self, jti: str) -> bool:
        return self._jtis.get(jti, 0) > self._clock()

    async def claim_room(self, room: str, replica: str, ttl: int) -> str:
        return self._rooms.setdefault(room, replica)

    async def epoch(self, now: float, *, startup: bool = False) -> int:
        return 0  # one replica keeps its spent ids in memory (and on disk with a spool dir)

    async def refresh_rooms(self, rooms: list[str], replica: str, ttl: int) -> None:
        return None

    async def release_room(self, room: str, replica: str) -> None:
        if self._rooms.get(room) == replica:
            del self._rooms[room]

    async def publish(self, event: str, fields: dict[str, Any]) -> None:
        for queue in self.subscribers:
            queue.put_nowait({"event": event, **fields})

    async def close(self) -> None:
        return None


class RedisStore:
    """Multi-replica mode (``GATEWAY_REDIS_URL``)."""

    def __init__(self, url: str, max_connections: int = 64) -> None:
        import redis.asyncio as redis_asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        # a blocking pool: a burst waits for a connection instead of MaxConnectionsError;
        # a connection left from before a Redis restart is retried once on a new one
        pool = redis_asyncio.BlockingConnectionPool.from_url(
            url, decode_responses=True, max_connections=max_connections, timeout=5,
            socket_connect_timeout=1, socket_timeout=2,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            retry_on_error=[RedisConnectionError, RedisTimeoutError])
        self._redis = redis_asyncio.Redis(connection_pool=pool)
        self.redis = self._redis
        self._epoch = self._redis.register_script(_EPOCH_LUA)
        self._refresh = self._redis.register_script(_REFRESH_LUA)
        self._release = self._redis.register_script(_RELEASE_LUA)

    async def ping(self) -> None:
        await self._redis.ping()

    async def consume_jti(self, jti: str, ttl: int) -> bool:
        return bool(await self._redis.set(f"{KEY_PREFIX}jti:{jti}", "1", nx=True, ex=ttl))

    async def jti_spent(self, jti: str) -> bool:
        return bool(await self._redis.exists(f"{KEY_PREFIX}jti:{jti}"))

    async def claim_room(self, room: str, replica: str, ttl: int) -> str:
        key = f"{KEY_PREFIX}room:{room}"
        if await self._redis.set(key, replica, nx=True, ex=ttl):
            return replica
        owner = await self._redis.get(key)
        return owner or await self.claim_room(room, replica, ttl)

    async def epoch(self, now: float, *, startup: bool = False) -> int:
        """Created when missing: at startup from this second; later (Redis came back empty
        while we ran) from the next second, so links of the reset's own second are refused."""
        start = int(now) if startup else int(now) + 1
        return int(await self._epoch(keys=[KEY_PREFIX + "epoch"], args=[start]))

    async def refresh_rooms(self, rooms: list[str], replica: str, ttl: int) -> None:
        for room in rooms:
            await self._refresh(keys=[f"{KEY_PREFIX}room:{room}"], args=[replica, ttl])

    async def release_room(self, room: str, replica: str) -> None:
        await self._release(keys=[f"{KEY_PREFIX}room:{room}"], args=[replica])

    async def publish(self, event: str, fields: dict[str, Any]) -> None:
        await self._redis.publish(EVENTS_CHANNEL, json.dumps({"event": event, **fields}))

    async def close(self) -> None:
        await self._redis.aclose()
        await self._redis.connection_pool.disconnect()


def make_store(redis_url: str, spent_file: str = "") -> MemoryStore | RedisStore:
    return RedisStore(redis_url) if redis_url else MemoryStore(spent_file=spent_file)
