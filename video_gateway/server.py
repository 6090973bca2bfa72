"""The websockets shell around :class:`~video_gateway.room.Room`.

HTTP (health, pages, static files) and the token checks are answered in ``process_request``,
before any websocket upgrade: a bad, replayed or misrouted token never gets a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import http
import json
import logging
import secrets
import time
from collections.abc import Callable, Generator
from typing import Any
from urllib.parse import parse_qs

from redis.exceptions import RedisError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import (
    ConnectionClosed,
    InvalidMessage,
    RequestLineTooLong,
    SecurityError,
)
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

from . import __version__
from .odoo_client import OdooClient
from .pages import Pages
from .protocol import (
    CLOSE_GOING_AWAY,
    CLOSE_RATE_LIMITED,
    ProtocolError,
    RateLimiter,
    encode,
    parse_client_message,
)
from .recorder import RecorderPool
from .room import (
    REOPENABLE_OUTCOMES,
    Action,
    CancelTimer,
    Close,
    EndedRoom,
    Notify,
    Publish,
    RecorderOffer,
    Room,
    RoomClosed,
    RoomConfig,
    Send,
    StartRecording,
    StartTimer,
    StopRecording,
)
from .settings import Settings, origin_of
from .store import MemoryStore, RedisStore
from .tokens import (
    JoinClaims,
    TokenError,
    mint_resume_token,
    verify_join_token,
    verify_resume_token,
)
from .turn import ice_servers

_logger = logging.getLogger(__name__)

ROOM_OWNER_TTL = 60
OUTBOX_LIMIT = 512


BODY_MARKER = "X-Gateway-Request-Body"


class _BodyTolerantProtocol(ServerProtocol):
    """websockets drops a request with a body without a word; we answer it (405) instead.

    Request lines and headers are parsed as usual; when the parser refuses the request for
    its body (or a transfer coding), an equivalent request marked with ``BODY_MARKER`` is
    handed to ``process_request`` and whatever follows on the socket is discarded.
    """

    def parse(self) -> Generator[None]:
        if self.state is not State.CONNECTING:
            yield from super().parse()
            return
        lines: list[bytes] = []

        def read_line(*args: Any) -> Generator[None, None, bytes]:
            line = yield from self.reader.read_line(*args)
            lines.append(line)
            return line

        try:
            request = yield from Request.parse(read_line)
        except SecurityError as exc:  # over-long request line or headers: 414 / 431
            self.handshake_exc = exc
            status = 414 if isinstance(exc, RequestLineTooLong) else 431
            self.send_response(json_response(status, {"error": "request_too_large"}))
            yield
            return
        except (ValueError, NotImplementedError) as exc:
            first = lines[0].decode("ascii", "replace").split(" ") if lines else []
            with_body = isinstance(exc, NotImplementedError) or "body" in str(exc)
            if len(first) != 3 or not with_body:
                yield from self._refuse_silently(exc)
                return
            self.handshake_exc = InvalidMessage(f"request refused: {exc}")
            self.events.append(Request(first[1], Headers([(BODY_MARKER, "1")]), first[0]))
            while True:  # process_request answers 405; its response ends this parser
                yield
        except Exception as exc:  # noqa: BLE001 - same as websockets: no reply, EOF
            yield from self._refuse_silently(exc)
            return
        self.events.append(request)
        yield from super(ServerProtocol, self).parse()

    def _refuse_silently(self, exc: Exception) -> Generator[None]:
        self.handshake_exc = InvalidMessage("did not receive a valid HTTP request")
        self.handshake_exc.__cause__ = exc
        self.send_eof()
        self.parser = self.discard()
        next(self.parser)
        yield


class GatewayConnection(ServerConnection):
    """The server connection, with :class:`_BodyTolerantProtocol` as its parser."""

    def __init__(self, protocol: ServerProtocol, *args: Any, **kwargs: Any) -> None:
        protocol.__class__ = _BodyTolerantProtocol
        protocol.parser = protocol.parse()  # nothing was read yet: restart the parser
        next(protocol.parser)
        super().__init__(protocol, *args, **kwargs)


@dataclasses.dataclass(slots=True)
class Peer:
    """One accepted socket and its ordered outbox."""

    conn_id: str
    ws: ServerConnection
    outbox: asyncio.Queue[tuple[str, Any]]
    writer: asyncio.Task[None] | None = None


def _response(status: int, body: bytes, content_type: str,
              extra: dict[str, str] | None = None) -> Response:
    headers = Headers([
        ("Date", email.utils.formatdate(usegmt=True)),
        ("Connection", "close"),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ])
    for key, value in (extra or {}).items():
        headers[key] = value
    return Response(status, http.HTTPStatus(status).phrase, headers, body)


def json_response(status: int, payload: dict[str, Any],
                  extra: dict[str, str] | None = None) -> Response:
    return _response(status, json.dumps(payload).encode(), "application/json", extra)


class Gateway:
    def __init__(self, settings: Settings, store: MemoryStore | RedisStore, odoo: OdooClient,
                 *, recorders: RecorderPool | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.store = store
        self.odoo = odoo
        self.recorders = recorders
        self.clock = clock
        self.pages = Pages(settings)
        self.rooms: dict[str, Room] = {}
        # instances that ended, kept while their customer's link is valid (reopen, §2)
        self.ended: dict[str, EndedRoom] = {}
        self.peers: dict[str, Peer] = {}
        self._timers: dict[tuple[str, str], asyncio.TimerHandle] = {}
        self._admitted: dict[int, tuple[ServerConnection, JoinClaims]] = {}
        self._admitting = 0
        self._epoch: int | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._room_config = RoomConfig(ring_timeout=settings.ring_timeout,
                                       choice_timeout=settings.no_answer_choice_timeout,
                                       reconnect_grace=settings.reconnect_grace)
        self.server: Server | None = None

    # ------------------------------------------------------------ lifecycle
    async def start(self) -> Server:
        self.server = await serve(
            self.handler, self.settings.host, self.settings.port,
            process_request=self.process_request, create_connection=GatewayConnection,
            max_size=self.settings.max_message_bytes, max_queue=16, compression=None,
            ping_interval=20, ping_timeout=20, open_timeout=10, close_timeout=5,
            server_header=None)
        self._spawn(self._refresh_owned_rooms())
        self.odoo.start()  # callbacks left in the outbox by a previous run
        _logger.info("video gateway %s listening on %s:%s (%s store, replica %s)",
                     __version__, self.settings.host, self.port,
                     "redis" if isinstance(self.store, RedisStore) else "memory",
                     self.settings.replica_id)
        return self.server

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop accepting, tell every socket we are going away, flush callbacks to Odoo."""
        if self.server is None:
            return
        self.server.close(close_connections=False)
        deadline = time.monotonic() + self.settings.shutdown_drain_seconds
        for room in list(self.rooms.values()):  # every live session is reported to Odoo
            self.apply(room, room.shutdown(self.clock()))
        recordings = [t for t in self._tasks if t.get_name().startswith("recording:")]
        if recordings:  # a kept recording is attached to its session_ended first
            await asyncio.wait(recordings, timeout=self.settings.shutdown_drain_seconds)
        writers = [p.writer for p in self.peers.values() if p.writer]
        if writers:  # let each page read its ``ended`` before the socket goes
            await asyncio.wait(writers, timeout=2)
        for peer in list(self.peers.values()):
            with contextlib.suppress(Exception):
                await peer.ws.close(CLOSE_GOING_AWAY, "gateway restarting")
        await self.server.wait_closed()
        for handle in self._timers.values():
            handle.cancel()
        if self.recorders:
            await self.recorders.close()
        await self.odoo.drain(timeout=max(0.0, deadline - time.monotonic()))
        await self.odoo.close()
        for task in list(self._tasks):
            task.cancel()
        await self.store.close()

    # ------------------------------------------------------------ HTTP side
    async def process_request(self, connection: ServerConnection,
                              request: Request) -> Response | None:
        response = await self._route(connection, request)
        if response is not None and request.method == "HEAD":
            # HEAD: the GET answer's status and headers (Content-Length included), no body
            response = dataclasses.replace(response, body=b"")
        return response

    async def _route(self, connection: ServerConnection, request: Request) -> Response | None:
        path, _, query = request.path.partition("?")
        if request.headers.get(BODY_MARKER) and request.method == "GET":
            return json_response(400, {"error": "bad_request",
                                       "message": "a GET request carries no body"})
        if request.headers.get(BODY_MARKER) or request.method not in ("GET", "HEAD"):
            return json_response(405, {"error": "method_not_allowed",
                                       "message": "only GET (and HEAD) without a body"},
                                 {"Allow": "GET, HEAD"})
        if path == "/healthz":
            health = await self.health_check()
            return json_response(200 if health["status"] == "ok" else 503, health)
        if path.startswith("/join/"):
            return self.pages.join_page(path[len("/join/"):], self.clock())
        if path.startswith("/static/"):
            return self.pages.static(path[len("/static/"):])
        if path == "/ws":
            if request.method != "GET":
                return json_response(405, {"error": "method_not_allowed",
                                           "message": "the websocket opens with GET"},
                                     {"Allow": "GET"})
            return await self._admit_within_cap(connection, request, parse_qs(query))
        return json_response(404, {"error": "not_found"})

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "replica": self.settings.replica_id,
                "store": "redis" if isinstance(self.store, RedisStore) else "memory",
                "rooms": len(self.rooms), "connections": len(self.peers),
                "odoo_pending": self.odoo.pending, "outbox_pending": self.odoo.stored}

    async def health_check(self) -> dict[str, Any]:
        """``health()`` plus a live check of Redis: unreachable means degraded (503)."""
        health = self.health()
        if isinstance(self.store, RedisStore):
            try:
                await asyncio.wait_for(self.store.ping(), 2)
            except (RedisError, OSError, TimeoutError) as exc:
                health.update(status="degraded", reason="redis_unreachable",
                              message=f"Redis unreachable: {type(exc).__name__}")
        return health

    async def _admit_within_cap(self, connection: ServerConnection, request: Request,
                                params: dict[str, list[str]]) -> Response | None:
        """Hold a connection slot during the checks: a burst cannot pass the cap."""
        self._forget_failed_handshakes()
        if len(self.peers) + self._admitting + len(self._admitted) >= \
                self.settings.max_connections:
            return json_response(503, {"error": "busy",
                                       "message": "too many connections on this replica"},
                                 {"Retry-After": "5"})
        self._admitting += 1
        try:
            return await self._admit(connection, request, params)
        except (RedisError, OSError) as exc:
            _logger.warning("join refused, shared store unavailable: %s", exc)
            return json_response(503, {"error": "store_unavailable",
                                       "message": "the gateway cannot check the link right now; "
                                                  "try again in a moment"},
                                 {"Retry-After": "5"})
        finally:
            self._admitting -= 1

    def _forget_failed_handshakes(self) -> None:
        """An admitted socket whose handshake never completed must not hold its slot."""
        for key, (conn, _claims) in list(self._admitted.items()):
            if conn.protocol.state is State.CLOSED:
                del self._admitted[key]

    async def _admit(self, connection: ServerConnection, request: Request,
                     params: dict[str, list[str]]) -> Response | None:
        """Every check before the upgrade; the jti is spent last, only if all else passed."""
        origin = request.headers.get("Origin")
        if origin is not None and not self._origin_ok(origin):
            return json_response(403, {"error": "origin_not_allowed"})
        now = self.clock()
        try:
            if "resume" in params:
                claims = verify_resume_token(params["resume"][0], self.settings.secret, now)
            else:
                claims = verify_join_token(params.get("t", [""])[0], self.settings.secret, now)
        except TokenError as exc:
            return json_response(403, {"error": exc.reason})
        if params.get("room", [claims.room])[0] != claims.room:
            # ``room`` is only there for the proxy's room-affine hashing; it must agree
            return json_response(403, {"error": "wrong_room"})
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return json_response(426, {"error": "upgrade_required"})
        if not claims.instance:
            epoch = await self.store.epoch(now)
            if epoch != self._epoch:
                if self._epoch is not None:  # Redis came back empty: take our rooms back
                    await self.store.refresh_rooms(list(self.rooms), self.settings.replica_id,
                                                   ROOM_OWNER_TTL)
                self._epoch = epoch
            if claims.iat < epoch:
                # Redis lost the spent ids (restarted empty): older links cannot be trusted
                return json_response(403, {"error": "token_before_reset"})
            if await self.store.jti_spent(claims.jti):
                return json_response(403, {"error": "token_used"})  # on whichever replica
        owner = await self.store.claim_room(claims.room, self.settings.replica_id,
                                            ROOM_OWNER_TTL)
        if owner != self.settings.replica_id:
            # the proxy must route a room to one replica; tell it which one
            return json_response(421, {"error": "wrong_replica"}, {"X-Gateway-Replica": owner})
        room = self.rooms.get(claims.room)
        refusal = self._room_refusal(room, claims, now)
        if not refusal and not claims.instance:
            ttl = max(60, claims.exp - int(now) + 60)
            if not await self.store.consume_jti(claims.jti, ttl):
                refusal = "token_used"
        if refusal:
            if claims.room not in self.rooms:
                await self.store.release_room(claims.room, self.settings.replica_id)
            return json_response(403, {"error": refusal})
        self._admitted[id(connection)] = (connection, claims)
        return None

    def _room_refusal(self, room: Room | None, claims: JoinClaims, now: float) -> str | None:
        """The room's answer to a verified token; a resume token of an ended instance may
        reopen it (its customer, on the same phone, while the join link is valid)."""
        if room:
            return room.admission(claims)
        if not claims.instance:
            return None  # a fresh join link opens the room
        ended = self.ended.get(claims.room)
        return ended.reopen_refusal(claims, now) if ended else "room_ended"

    def _origin_ok(self, origin: str) -> bool:
        allowed = self.settings.origins
        if not self.settings.production and not self.settings.allowed_origins:
            # development: the page's own origin, whatever host name it was opened with
            return True
        return origin.rstrip("/") in allowed or origin_of(origin) in allowed

    # ------------------------------------------------------------ websocket side
    async def handler(self, ws: ServerConnection) -> None:
        admitted = self._admitted.pop(id(ws), None)
        claims = admitted[1] if admitted else None
        if claims is None:  # not possible through process_request; be safe anyway
            await ws.close(1008, "not admitted")
            return
        room = self.rooms.get(claims.room)
        if room is None:
            ended = self.ended.pop(claims.room, None) if claims.instance else None
            if ended:  # reopened with the stored resume token: a new instance, rung again
                room, claims = ended.reopen(secrets.token_urlsafe(9), self._room_config, claims)
            else:
                room = Room(claims.room, secrets.token_urlsafe(9), claims.lead,
                            self._room_config)
            self.rooms[claims.room] = room
        conn_id = secrets.token_urlsafe(9)
        peer = Peer(conn_id, ws, asyncio.Queue())
        peer.writer = asyncio.get_running_loop().create_task(self._write(peer))
        self.peers[conn_id] = peer
        seat_id = claims.seat or secrets.token_urlsafe(9)
        now = self.clock()
        resume = mint_resume_token(claims, room.instance, seat_id, self.settings.secret,
                                   self.settings.resume_ttl, now)
        extra = {"ice_servers": ice_servers(self.settings, room.room, claims.role, now),
                 "ring_timeout": self.settings.ring_timeout}
        self.apply(room, room.join(conn_id, claims, now, seat_id=seat_id, resume_token=resume,
                                   welcome_extra=extra))
        limiter = RateLimiter(self.settings.messages_per_second, self.settings.message_burst)
        try:
            async for raw in ws:
                if not limiter.allow(time.monotonic()):
                    self._send(peer, {"type": "error", "code": "rate_limited"})
                    peer.outbox.put_nowait(("close", (CLOSE_RATE_LIMITED, "rate limited")))
                    break
                try:
                    message = parse_client_message(raw)
                except ProtocolError as exc:
                    self._send(peer, {"type": "error", "code": exc.code, "message": exc.message})
                    continue
                self.apply(room, room.receive(conn_id, message, self.clock()))
        except ConnectionClosed:
            pass
        finally:
            self.apply(room, room.disconnect(conn_id, self.clock()))
            await self._finish(peer)

    async def _finish(self, peer: Peer) -> None:
        peer.outbox.put_nowait(("stop", None))
        if peer.writer:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(peer.writer, 5)
        self.peers.pop(peer.conn_id, None)

    async def _write(self, peer: Peer) -> None:
        """Send the outbox in order; a close is sent after everything queued before it."""
        while True:
            kind, item = await peer.outbox.get()
            try:
                if kind == "send":
                    await peer.ws.send(item)
                elif kind == "close":
                    await peer.ws.close(*item)
                    return
                else:
                    return
            except ConnectionClosed:
                return

    def _send(self, peer: Peer, message: dict[str, Any]) -> None:
        if peer.outbox.qsize() > OUTBOX_LIMIT:
            peer.outbox.put_nowait(("close", (CLOSE_RATE_LIMITED, "too slow")))
            return
        peer.outbox.put_nowait(("send", encode(message)))

    # ------------------------------------------------------------ actions
    def apply(self, room: Room, actions: list[Action]) -> None:
        """Perform the state machine's actions, in order."""
        for action in actions:
            match action:
                case Send(conn, message):
                    if peer := self.peers.get(conn):
                        self._send(peer, message)
                case Close(conn, code, reason):
                    if peer := self.peers.get(conn):
                        peer.outbox.put_nowait(("close", (code, reason)))
                case _:
                    self._apply_side_effect(room, action)

    def _apply_side_effect(self, room: Room, action: Action) -> None:
        """Timers, callbacks, events and recording (everything but socket output)."""
        match action:
            case StartTimer(name, delay):
                self._cancel_timer(room, name)
                self._timers[(room.room, name)] = asyncio.get_running_loop().call_later(
                    delay, self._fire, room, name)
            case CancelTimer(name):
                self._cancel_timer(room, name)
            case Notify(event, fields, attach):
                if attach and self.recorders:
                    self._spawn(self._notify_with_recording(room, event, fields),
                                name=f"recording:{room.room}")
                else:
                    self.odoo.submit(event, fields)
            case Publish(event, fields):
                self._spawn(self.store.publish(event, fields))
            case StartRecording():
                if self.recorders:
                    self.recorders.start(room.room, room.instance)
            case StopRecording(keep):
                if self.recorders and not keep:
                    self._spawn(self.recorders.discard(room.room))
            case RecorderOffer(conn, role, sdp):
                self._spawn(self._recorder_answer(room, conn, role, sdp))
            case RoomClosed():
                if self.rooms.get(room.room) is room:
                    del self.rooms[room.room]
                self._remember_ended(room)
                self._spawn(self.store.release_room(room.room, self.settings.replica_id))

    def _remember_ended(self, room: Room) -> None:
        """Keep a reopenable instance while its link is valid; forget the expired ones."""
        now = self.clock()
        for name, ended in list(self.ended.items()):
            if ended.link_exp <= now:
                del self.ended[name]
        ended = room.ended_record()
        if ended and not ended.met and ended.outcome in REOPENABLE_OUTCOMES \
                and ended.link_exp > now:
            self.ended[room.room] = ended
        else:
            self.ended.pop(room.room, None)

    def _fire(self, room: Room, name: str) -> None:
        self._timers.pop((room.room, name), None)
        if self.rooms.get(room.room) is room:
            self.apply(room, room.timer(name, self.clock()))

    def _cancel_timer(self, room: Room, name: str) -> None:
        handle = self._timers.pop((room.room, name), None)
        if handle:
            handle.cancel()

    async def _notify_with_recording(self, room: Room, event: str,
                                     fields: dict[str, Any]) -> None:
        assert self.recorders
        recording = await self.recorders.finish(room.room)
        self.odoo.submit(event, dict(fields, recording=recording))

    async def _recorder_answer(self, room: Room, conn: str, role: str, sdp: str) -> None:
        peer = self.peers.get(conn)
        if not self.recorders or peer is None:
            if peer:
                self._send(peer, {"type": "error", "code": "not_recording"})
            return
        try:
            answer = await self.recorders.offer(room.room, role, sdp)
        except Exception:  # a broken offer must not take the room down
            _logger.exception("recorder refused an offer in a room")
            self._send(peer, {"type": "error", "code": "recorder_failed"})
            return
        self._send(peer, {"type": "rec_answer", "sdp": answer})

    def _spawn(self, coro: Any, name: str | None = None) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        """A side effect that failed (Redis down while publishing, ...) is logged, not lost."""
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            _logger.warning("background task %s failed: %r", task.get_name(), exc)

    async def _refresh_owned_rooms(self) -> None:
        while True:
            await asyncio.sleep(ROOM_OWNER_TTL / 3)
            with contextlib.suppress(Exception):
                await self.store.refresh_rooms(list(self.rooms), self.settings.replica_id,
                                               ROOM_OWNER_TTL)
