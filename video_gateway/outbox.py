"""Durable storage of the callbacks to Odoo: one ordered queue per room.

A callback is *accepted* once it is written here; it then survives a gateway restart (spool
on disk, one replica) or the loss of a replica (Redis streams, multi-replica mode, any replica
delivers). Each room has its own queue and its own next-attempt time, so a room whose
callbacks keep failing never delays the others (no head-of-line blocking between rooms).

The backends offer one small interface, driven by ``odoo_client.OdooClient``: ``append``
(in the room's order), ``due_rooms``, ``lease``/``release`` (one deliverer per room at a
time), ``head``, ``ack``, ``defer`` (backoff) and ``bury`` (dead letter, kept and logged).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any, Protocol

KEY_PREFIX = "video_gateway:outbox:"
DUE_KEY = KEY_PREFIX + "due"
DEAD_KEY = KEY_PREFIX + "dead"
LEASE_MS = 10_000  # renewed every few seconds while a replica delivers the room

Entry = tuple[str, dict[str, Any], float]  # (entry id, payload, accepted at)


class Outbox(Protocol):
    async def append(self, room: str, payload: dict[str, Any], now: float) -> None: ...

    async def due_rooms(self, now: float, limit: int) -> list[str]: ...

    async def lease(self, room: str) -> bool: ...

    async def renew(self, room: str) -> None: ...

    async def release(self, room: str) -> None: ...

    async def head(self, room: str) -> Entry | None: ...

    async def ack(self, room: str, entry_id: str) -> None: ...

    async def defer(self, room: str, until: float) -> None: ...

    async def bury(self, room: str, entry: Entry, reason: str) -> None: ...

    async def pending(self) -> int: ...

    async def next_due(self) -> float | None: ...


class SpoolOutbox:
    """One replica: ``<dir>/pending/<room>/<sequence>.json`` files, written atomically.

    Room ids are ``[A-Za-z0-9_-]`` (checked with the token), safe as directory names. A lock
    file keeps a second process off the same spool (it would deliver twice, out of order).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.root = Path(directory)
        self.pending_dir = self.root / "pending"
        self.dead_dir = self.root / "dead"
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        self.dead_dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.root / "lock", "a+")  # noqa: SIM115 (held for the process life)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise OSError(f"callback spool {self.root} is used by another gateway process") \
                from None
        self._due: dict[str, float] = {}
        self._count = 0
        self._last_seq = 0
        for room_dir in self.pending_dir.iterdir():
            files = [f for f in room_dir.glob("*.json")] if room_dir.is_dir() else []
            if files:
                self._due[room_dir.name] = 0.0
                self._count += len(files)
                self._last_seq = max(self._last_seq, *(int(f.stem) for f in files))

    def _next_seq(self) -> int:
        self._last_seq = max(self._last_seq + 1, time.time_ns())
        return self._last_seq

    async def append(self, room: str, payload: dict[str, Any], now: float) -> None:
        name = f"{self._next_seq():020d}"
        data = json.dumps({"accepted_at": now, "payload": payload}).encode()
        # a recording may weigh tens of MiB: written and fsynced off the event loop
        await asyncio.to_thread(self._write, room, name, data)
        self._count += 1
        self._due.setdefault(room, now)

    def _write(self, room: str, name: str, data: bytes) -> None:
        room_dir = self.pending_dir / room
        room_dir.mkdir(exist_ok=True)
        tmp = room_dir / f".{name}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, room_dir / f"{name}.json")
        _fsync_dir(room_dir)

    async def due_rooms(self, now: float, limit: int) -> list[str]:
        due = sorted((at, room) for room, at in self._due.items() if at <= now)
        return [room for _at, room in due[:limit]]

    async def lease(self, room: str) -> bool:
        return True  # one process per spool (the lock file); the client runs one task a room

    async def renew(self, room: str) -> None:
        return None

    async def release(self, room: str) -> None:
        return None

    async def head(self, room: str) -> Entry | None:
        files = sorted((self.pending_dir / room).glob("*.json"))
        if not files:
            self._forget(room)
            return None
        record = json.loads(files[0].read_bytes())
        return files[0].name, record["payload"], float(record["accepted_at"])

    async def ack(self, room: str, entry_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.pending_dir / room / entry_id).unlink()
            self._count -= 1
        if not any((self.pending_dir / room).glob("*.json")):
            self._forget(room)

    async def defer(self, room: str, until: float) -> None:
        if room in self._due:
            self._due[room] = until

    async def bury(self, room: str, entry: Entry, reason: str) -> None:
        entry_id, payload, accepted_at = entry
        dead = self.dead_dir / f"{room}-{entry_id}"
        dead.write_text(json.dumps({"reason": reason, "accepted_at": accepted_at,
                                    "payload": payload}))
        await self.ack(room, entry_id)

    async def pending(self) -> int:
        return self._count

    async def next_due(self) -> float | None:
        return min(self._due.values(), default=None)

    def _forget(self, room: str) -> None:
        self._due.pop(room, None)
        with contextlib.suppress(OSError):
            (self.pending_dir / room).rmdir()

    def close(self) -> None:
        self._lock.close()


class MemoryOutbox(SpoolOutbox):
    """No spool directory configured and no Redis: callbacks live as long as the process."""

    def __init__(self) -> None:  # pylint: disable=super-init-not-called
        self._queues: dict[str, list[Entry]] = {}
        self._due = {}
        self._seq = 0

    async def append(self, room: str, payload: dict[str, Any], now: float) -> None:
        self._seq += 1
        self._queues.setdefault(room, []).append((str(self._seq), payload, now))
        self._due.setdefault(room, now)

    async def head(self, room: str) -> Entry | None:
        queue = self._queues.get(room)
        if not queue:
            self._forget(room)
            return None
        return queue[0]

    async def ack(self, room: str, entry_id: str) -> None:
        queue = self._queues.get(room, [])
        if queue and queue[0][0] == entry_id:
            queue.pop(0)
        if not queue:
            self._forget(room)

    async def bury(self, room: str, entry: Entry, reason: str) -> None:
        await self.ack(room, entry[0])

    async def pending(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def _forget(self, room: str) -> None:
        self._due.pop(room, None)
        self._queues.pop(room, None)

    def close(self) -> None:
        return None


# append keeps the room's order (XADD) and schedules it unless it already waits (ZADD NX)
_APPEND_LUA = """
redis.call('XADD', KEYS[1], '*', 'payload', ARGV[1], 'accepted_at', ARGV[2])
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[3])
return 1
"""
# ack removes the entry; an emptied room leaves the schedule in the same atomic step
_ACK_LUA = """
redis.call('XDEL', KEYS[1], ARGV[1])
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[2])
end
return 1
"""
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


class RedisOutbox:
    """Multi-replica: a Redis stream per room, a sorted set of rooms by next attempt time.

    Any replica delivers any room: a room is leased (``SET NX PX``, 10 s, renewed while one
    replica works on it), so a replica that dies mid-delivery hands its rooms over within 10 s.
    """

    def __init__(self, redis: Any, replica: str) -> None:
        self._redis = redis
        self._replica = replica
        self._append = redis.register_script(_APPEND_LUA)
        self._ack = redis.register_script(_ACK_LUA)
        self._release = redis.register_script(_RELEASE_LUA)
        self._renew = redis.register_script(_RENEW_LUA)

    async def append(self, room: str, payload: dict[str, Any], now: float) -> None:
        await self._append(keys=[KEY_PREFIX + "q:" + room, DUE_KEY],
                           args=[json.dumps(payload), repr(now), room])

    async def due_rooms(self, now: float, limit: int) -> list[str]:
        return list(await self._redis.zrangebyscore(DUE_KEY, "-inf", now, start=0, num=limit))

    async def lease(self, room: str) -> bool:
        return bool(await self._redis.set(KEY_PREFIX + "lease:" + room, self._replica,
                                          nx=True, px=LEASE_MS))

    async def renew(self, room: str) -> None:
        await self._renew(keys=[KEY_PREFIX + "lease:" + room], args=[self._replica, LEASE_MS])

    async def release(self, room: str) -> None:
        await self._release(keys=[KEY_PREFIX + "lease:" + room], args=[self._replica])

    async def head(self, room: str) -> Entry | None:
        entries = await self._redis.xrange(KEY_PREFIX + "q:" + room, "-", "+", count=1)
        if not entries:
            await self._redis.zrem(DUE_KEY, room)
            return None
        entry_id, fields = entries[0]
        return entry_id, json.loads(fields["payload"]), float(fields["accepted_at"])

    async def ack(self, room: str, entry_id: str) -> None:
        await self._ack(keys=[KEY_PREFIX + "q:" + room, DUE_KEY], args=[entry_id, room])

    async def defer(self, room: str, until: float) -> None:
        await self._redis.zadd(DUE_KEY, {room: until}, xx=True)

    async def bury(self, room: str, entry: Entry, reason: str) -> None:
        entry_id, payload, accepted_at = entry
        await self._redis.xadd(DEAD_KEY, {"room": room, "reason": reason,
                                          "accepted_at": repr(accepted_at),
                                          "payload": json.dumps(payload)})
        await self.ack(room, entry_id)

    async def pending(self) -> int:
        return int(await self._redis.zcard(DUE_KEY))

    async def next_due(self) -> float | None:
        first = await self._redis.zrange(DUE_KEY, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    def close(self) -> None:
        return None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
