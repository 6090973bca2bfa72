"""The room: a pure state machine (sans-I/O) for one customer <-> advisor session.

Inputs are method calls carrying the event and the current time (``join``, ``receive``,
``disconnect``, ``timer``); each returns the list of actions the shell must perform (send a
message, close a socket, call Odoo back, start/cancel a timer, start/stop recording). Nothing
here does I/O, reads a clock or draws random numbers, so every rule is tested without sockets.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from typing import Any

from .protocol import (
    CLOSE_ENDED,
    CLOSE_REPLACED,
    CLOSE_ROOM_TAKEN,
    MAX_CANDIDATES_PER_EPOCH,
    ClientMessage,
)
from .tokens import JoinClaims

CONSENT_WAIT_SECONDS = 20.0  # ring anyway if the customer leaves the consent question open
# endings after which the customer's resume token may open the room again (the parties never
# met): a tab closed by accident while waiting, or nobody answered. A call that took place
# (completed, or a party left during it) and a failure are final: the advisor sends a new link.
REOPENABLE_OUTCOMES = frozenset({"customer_left", "no_answer"})


class Phase(enum.StrEnum):
    OPEN = "open"  # nobody yet, or only an advisor
    WAITING = "waiting"  # the customer waits, the ring group is alerted
    NO_ANSWER = "no_answer"  # nobody came in time: the customer may pick a call-back time
    IN_CALL = "in_call"  # both parties are (or were, during a reconnect) in the room
    ENDED = "ended"


# ---------------------------------------------------------------- actions (outputs)
@dataclasses.dataclass(frozen=True, slots=True)
class Send:
    conn: str
    message: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Close:
    conn: str
    code: int
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class Notify:
    """A signed callback to Odoo; ``attach_recording`` asks the shell to add the file."""

    event: str
    fields: dict[str, Any]
    attach_recording: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Publish:
    """An event other replicas may see (Redis pub/sub in multi-replica mode)."""

    event: str
    fields: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class StartTimer:
    name: str
    delay: float


@dataclasses.dataclass(frozen=True, slots=True)
class CancelTimer:
    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class StartRecording:
    pass


@dataclasses.dataclass(frozen=True, slots=True)
class StopRecording:
    keep: bool  # False: a consent was withdrawn, the file is discarded


@dataclasses.dataclass(frozen=True, slots=True)
class RecorderOffer:
    conn: str
    role: str
    sdp: str


@dataclasses.dataclass(frozen=True, slots=True)
class RoomClosed:
    outcome: str


Action = (Send | Close | Notify | Publish | StartTimer | CancelTimer | StartRecording
          | StopRecording | RecorderOffer | RoomClosed)


@dataclasses.dataclass(frozen=True, slots=True)
class RoomConfig:
    ring_timeout: float = 90.0
    choice_timeout: float = 120.0
    reconnect_grace: float = 30.0


@dataclasses.dataclass(slots=True)
class Seat:
    role: str
    seat_id: str
    claims: JoinClaims
    conn: str | None
    audio: bool = True
    video: bool = True
    consent: bool | None = None  # None: not answered yet
    candidates: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class EndedRoom:
    """What the shell keeps of a room instance that ended, so that its customer can reopen
    the link on the same phone (their stored resume token) while the join link is valid.

    A second device has only the spent join link (``token_used``): it cannot use this.
    """

    room: str
    instance: str
    lead: int
    customer_seat: str
    link_exp: int  # expiry of the customer's join link
    outcome: str
    met: bool  # advisor and customer were in a call together

    def reopen_refusal(self, claims: JoinClaims, now: float) -> str | None:
        """Why a resume token may not open a new instance of this room (None: it may)."""
        if claims.role != "customer" or claims.instance != self.instance \
                or claims.seat != self.customer_seat:
            return "room_ended"
        if self.met or self.outcome not in REOPENABLE_OUTCOMES:
            return "room_ended"
        if min(claims.link_exp, self.link_exp) <= now:
            return "room_ended"  # the join link expired: Odoo sends a new one
        return None

    def reopen(self, instance: str, config: RoomConfig,
               claims: JoinClaims) -> tuple[Room, JoinClaims]:
        """A new room instance for the same lead, and the claims to ``join`` it with (the
        customer gets a new seat, as with a fresh link; the advisors are rung again)."""
        room = Room(self.room, instance, self.lead, config)
        return room, dataclasses.replace(claims, instance=instance, seat="",
                                         link_exp=min(claims.link_exp, self.link_exp))


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Room:
    """One session. ``room`` and ``lead`` come from the first verified token."""

    def __init__(self, room: str, instance: str, lead: int, config: RoomConfig) -> None:
        self.room = room
        self.instance = instance
        self.lead = lead
        self.config = config
        self.phase = Phase.OPEN
        self.seats: dict[str, Seat] = {}
        self.epoch = 0
        self.record_enabled = False
        self.recording = False
        self.rung = False
        self.customer_seen = False
        self.advisor_announced = False
        self.no_answer_sent = False
        self.started_at: float | None = None
        self.advisor_id: int | None = None
        self.outcome: str | None = None

    # ------------------------------------------------------------ queries
    def admission(self, claims: JoinClaims) -> str | None:
        """Why a verified token may not enter (checked before the websocket upgrade)."""
        if self.phase is Phase.ENDED:
            return "room_ended"
        if claims.instance and claims.instance != self.instance:
            return "room_ended"
        if not claims.instance and claims.lead != self.lead:
            return "wrong_room"
        if claims.role == "advisor":
            advisor = self.seats.get("advisor")
            if advisor and advisor.claims.sub != claims.sub:
                return "room_taken"
        seat = self.seats.get(claims.role)
        if claims.seat and (not seat or seat.seat_id != claims.seat):
            return "seat_gone"
        return None

    def ended_record(self) -> EndedRoom | None:
        """The tombstone of an ended instance whose customer might reopen it, else None."""
        customer = self.seats.get("customer")
        if self.phase is not Phase.ENDED or customer is None or not self.outcome:
            return None
        claims = customer.claims
        return EndedRoom(
            room=self.room, instance=self.instance, lead=self.lead,
            customer_seat=customer.seat_id,
            link_exp=claims.link_exp if claims.instance else claims.exp,
            outcome=self.outcome, met=self.started_at is not None)

    def seat_of(self, conn: str) -> Seat | None:
        for seat in self.seats.values():
            if seat.conn == conn:
                return seat
        return None

    def peer_of(self, seat: Seat) -> Seat | None:
        return self.seats.get("advisor" if seat.role == "customer" else "customer")

    @property
    def connections(self) -> list[str]:
        return [seat.conn for seat in self.seats.values() if seat.conn]

    @property
    def both_present(self) -> bool:
        return all(self.seats.get(role) and self.seats[role].conn
                   for role in ("customer", "advisor"))

    # ------------------------------------------------------------ inputs
    def join(self, conn: str, claims: JoinClaims, now: float, *, seat_id: str,
             resume_token: str, welcome_extra: dict[str, Any] | None = None) -> list[Action]:
        """A verified socket enters. ``seat_id`` is new, or the seat of a resume token."""
        refusal = self.admission(claims)
        if refusal:
            code = CLOSE_ROOM_TAKEN if refusal == "room_taken" else CLOSE_ENDED
            return [Send(conn, {"type": "error", "code": refusal}), Close(conn, code, refusal)]
        actions: list[Action] = []
        seat = self.seats.get(claims.role)
        if seat and seat.conn and seat.conn != conn:
            # same person on a new socket (reload, new device, network change): newest wins
            actions += [Send(seat.conn, {"type": "error", "code": "replaced"}),
                        Close(seat.conn, CLOSE_REPLACED, "replaced")]
        if seat is None:
            seat = Seat(claims.role, seat_id, claims, conn)
            self.seats[claims.role] = seat
        elif not claims.seat:  # a fresh link of the same person: the old resume token dies
            seat.seat_id, seat.claims = seat_id, claims
        seat.conn = conn
        actions.append(CancelTimer(f"grace:{claims.role}"))
        if claims.role == "customer":
            self.record_enabled = claims.rec
        # arrival first, so the welcome tells the phase the party is now in (``waiting``)
        if claims.role == "customer":
            arrival = self._customer_arrived(now)
        else:
            arrival = self._advisor_arrived(claims, now)
        actions.append(Send(conn, self._welcome(seat, resume_token, welcome_extra or {})))
        peer = self.peer_of(seat)
        if peer and peer.conn:
            actions.append(Send(peer.conn, {"type": "peer_joined", **self._public(seat)}))
        actions += arrival
        if self.both_present:
            actions += self._pair(now)
        return actions

    def receive(self, conn: str, message: ClientMessage, now: float) -> list[Action]:
        seat = self.seat_of(conn)
        if seat is None or self.phase is Phase.ENDED:
            return []
        handler = getattr(self, f"_on_{message.type}")
        return handler(seat, message.fields, now)

    def disconnect(self, conn: str, now: float) -> list[Action]:
        """The socket closed without a hang-up: keep the seat for the reconnect grace."""
        seat = self.seat_of(conn)
        if seat is None or self.phase is Phase.ENDED:
            return []
        seat.conn = None
        actions: list[Action] = [StartTimer(f"grace:{seat.role}", self.config.reconnect_grace)]
        peer = self.peer_of(seat)
        if peer and peer.conn:
            actions.append(Send(peer.conn, {"type": "peer_away", "role": seat.role}))
        return actions

    def shutdown(self, now: float) -> list[Action]:
        """The gateway stops: rooms live in its memory, so the session ends ``failed``."""
        if self.phase is Phase.ENDED:
            return []
        return self._end("failed", now)

    def timer(self, name: str, now: float) -> list[Action]:
        if self.phase is Phase.ENDED:
            return []
        if name == "consent_wait":
            return self._ring(now)
        if name == "ring":
            return self._ring_timeout(now)
        if name == "choice":
            return self._no_answer(now, None) + self._end("no_answer", now)
        if name.startswith("grace:"):
            return self._grace_expired(name.partition(":")[2], now)
        return []

    # ------------------------------------------------------------ message handlers
    def _on_offer(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        return self._relay(seat, "offer", fields)

    def _on_answer(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        return self._relay(seat, "answer", fields)

    def _on_candidate(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if fields["epoch"] == self.epoch:
            seat.candidates += 1
            if seat.candidates > MAX_CANDIDATES_PER_EPOCH:
                return [Send(seat.conn or "", {"type": "error", "code": "too_many_candidates"})]
        return self._relay(seat, "candidate", fields)

    def _on_media(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        seat.audio, seat.video = fields["audio"], fields["video"]
        peer = self.peer_of(seat)
        if peer and peer.conn:
            return [Send(peer.conn, {"type": "peer_media", **fields})]
        return []

    def _on_consent(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if not self.record_enabled:
            return [Send(seat.conn or "", {"type": "error", "code": "not_recorded"})]
        seat.consent = fields["recording"]
        actions: list[Action] = []
        peer = self.peer_of(seat)
        if peer and peer.conn:
            actions.append(Send(peer.conn, {"type": "peer_consent", "recording": seat.consent}))
        if seat.role == "customer" and not self.rung:
            actions += self._ring(now)
        return actions + self._recording_check()

    def _on_callback_time(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if seat.role != "customer" or self.phase is not Phase.NO_ANSWER:
            return [Send(seat.conn or "", {"type": "error", "code": "not_now"})]
        actions = self._no_answer(now, fields["at"])
        actions.append(Send(seat.conn or "", {"type": "callback_booked", "at": fields["at"]}))
        return actions + self._end("no_answer", now)

    def _on_hangup(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if fields["reason"] == "failed":
            return self._end("failed", now)
        if self.started_at is not None:
            return self._end("completed", now)
        if seat.role == "advisor":
            return self._release_advisor(seat)
        if self.phase is Phase.NO_ANSWER:
            return self._no_answer(now, None) + self._end("no_answer", now)
        return self._end("customer_left", now)

    def _on_renegotiate(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if not self.both_present:
            return []
        return self._pair(now)

    def _on_rec_offer(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        if not self.recording:
            return [Send(seat.conn or "", {"type": "error", "code": "not_recording"})]
        return [RecorderOffer(seat.conn or "", seat.role, fields["sdp"])]

    def _on_ping(self, seat: Seat, fields: dict[str, Any], now: float) -> list[Action]:
        return [Send(seat.conn or "", {"type": "pong"})]

    # ------------------------------------------------------------ rules
    def _relay(self, seat: Seat, kind: str, fields: dict[str, Any]) -> list[Action]:
        peer = self.peer_of(seat)
        if fields["epoch"] != self.epoch or not peer or not peer.conn:
            return []  # stale negotiation or nobody to talk to: dropped on purpose
        return [Send(peer.conn, {"type": kind, **fields})]

    def _customer_arrived(self, now: float) -> list[Action]:
        if self.customer_seen:
            return []
        self.customer_seen = True
        advisor = self.seats.get("advisor")
        if advisor and advisor.conn:
            return []  # the advisor is already here: nobody to alert
        if self.phase is Phase.OPEN:
            self.phase = Phase.WAITING
        if self.record_enabled:
            return [StartTimer("consent_wait", CONSENT_WAIT_SECONDS)]
        return self._ring(now)

    def _ring(self, now: float) -> list[Action]:
        if self.rung or self.phase is not Phase.WAITING:
            return []
        self.rung = True
        customer = self.seats["customer"]
        fields = {"customer_name": customer.claims.name,
                  "recording_consent": bool(customer.consent)}
        return [CancelTimer("consent_wait"),
                Notify("customer_waiting", self._event_fields(now, fields)),
                Publish("customer_waiting", {"room": self.room, "lead": self.lead}),
                StartTimer("ring", self.config.ring_timeout)]

    def _advisor_arrived(self, claims: JoinClaims, now: float) -> list[Action]:
        if self.advisor_announced:
            return []
        self.advisor_announced = True
        self.advisor_id = claims.advisor_id
        return [Notify("advisor_joined", self._event_fields(now, {"advisor_id": self.advisor_id}))]

    def _pair(self, now: float) -> list[Action]:
        """Both are here: a new negotiation epoch; the advisor makes the offer."""
        actions: list[Action] = []
        if self.phase is not Phase.IN_CALL:
            actions += [CancelTimer("ring"), CancelTimer("choice"), CancelTimer("consent_wait")]
            self.phase = Phase.IN_CALL
        if self.started_at is None:
            self.started_at = now
        self.epoch += 1
        for seat in self.seats.values():
            seat.candidates = 0
            peer = self.peer_of(seat)
            assert seat.conn and peer
            actions.append(Send(seat.conn, {
                "type": "ready", "epoch": self.epoch, "offerer": seat.role == "advisor",
                "peer": self._public(peer)}))
        return actions + self._recording_check()

    def _recording_check(self) -> list[Action]:
        consented = (self.record_enabled and all(
            self.seats.get(role) and self.seats[role].consent for role in ("customer", "advisor")))
        if consented and not self.recording and self.phase is Phase.IN_CALL:
            self.recording = True
            return [StartRecording(), *self._broadcast({"type": "recording", "active": True})]
        if self.recording and not consented:
            self.recording = False
            return [StopRecording(keep=False),
                    *self._broadcast({"type": "recording", "active": False})]
        return []

    def _ring_timeout(self, now: float) -> list[Action]:
        if self.phase is not Phase.WAITING:
            return []
        self.phase = Phase.NO_ANSWER
        customer = self.seats.get("customer")
        actions: list[Action] = [StartTimer("choice", self.config.choice_timeout)]
        if customer and customer.conn:
            actions.append(Send(customer.conn, {"type": "no_answer"}))
        return actions

    def _no_answer(self, now: float, callback_time: str | None) -> list[Action]:
        if self.no_answer_sent:
            return []
        self.no_answer_sent = True
        fields: dict[str, Any] = {}
        if callback_time:
            fields["callback_time"] = callback_time
        return [Notify("no_answer", self._event_fields(now, fields))]

    def _grace_expired(self, role: str, now: float) -> list[Action]:
        seat = self.seats.get(role)
        if seat is None or seat.conn:
            return []
        if role == "advisor" and self.started_at is None:
            return self._release_advisor(seat)
        if self.started_at is not None:
            return self._end(f"{role}_left", now)
        if self.phase is Phase.NO_ANSWER:
            return self._no_answer(now, None) + self._end("no_answer", now)
        return self._end("customer_left", now)

    def _release_advisor(self, seat: Seat) -> list[Action]:
        """An advisor leaves before any call: the seat is free for the ring group again."""
        del self.seats["advisor"]
        actions: list[Action] = [CancelTimer("grace:advisor")]
        if seat.conn:
            actions += [Send(seat.conn, {"type": "ended", "outcome": "released"}),
                        Close(seat.conn, CLOSE_ENDED, "released")]
        customer = self.seats.get("customer")
        if customer and customer.conn:
            actions.append(Send(customer.conn, {"type": "peer_left", "role": "advisor"}))
        self.advisor_announced, self.advisor_id = False, None
        return actions

    def _end(self, outcome: str, now: float) -> list[Action]:
        self.phase = Phase.ENDED
        self.outcome = outcome
        actions: list[Action] = [CancelTimer(name) for name in (
            "ring", "choice", "consent_wait", "grace:customer", "grace:advisor")]
        keep = self.recording
        if self.recording:
            self.recording = False
            actions.append(StopRecording(keep=True))
        for seat in self.seats.values():
            if seat.conn:
                actions += [Send(seat.conn, {"type": "ended", "outcome": outcome}),
                            Close(seat.conn, CLOSE_ENDED, "ended")]
        started = self.started_at
        fields = {
            "advisor_id": self.advisor_id if started is not None else None,
            "started_at": iso(started) if started is not None else None,
            "ended_at": iso(now),
            "duration_seconds": round(now - started) if started is not None else 0,
            "outcome": outcome,
            "recording": None,
        }
        actions.append(Notify("session_ended", self._event_fields(now, fields),
                              attach_recording=keep))
        actions.append(Publish("session_ended", {"room": self.room, "lead": self.lead}))
        actions.append(RoomClosed(outcome))
        return actions

    # ------------------------------------------------------------ helpers
    def _event_fields(self, now: float, extra: dict[str, Any]) -> dict[str, Any]:
        return {"room": self.room, "lead": self.lead, "at": iso(now), **extra}

    def _broadcast(self, message: dict[str, Any]) -> list[Action]:
        return [Send(conn, message) for conn in self.connections]

    def _public(self, seat: Seat) -> dict[str, Any]:
        """What one party may know of the other: role, first name, media and consent (and
        the photo URL Odoo put in the token, if any)."""
        return {"role": seat.role, "name": seat.claims.name, "present": seat.conn is not None,
                "audio": seat.audio, "video": seat.video, "consent": seat.consent,
                "photo": seat.claims.photo}

    def _welcome(self, seat: Seat, resume_token: str, extra: dict[str, Any]) -> dict[str, Any]:
        peer = self.peer_of(seat)
        # both here: the ``ready`` that follows the welcome starts the call
        phase = Phase.IN_CALL if self.both_present else self.phase
        return {
            "type": "welcome", "role": seat.role, "phase": str(phase),
            "name": seat.claims.name, "dealer": seat.claims.dealer, "lang": seat.claims.lang,
            "record": self.record_enabled, "consent": seat.consent,
            "recording": self.recording, "resume_token": resume_token,
            "peer": self._public(peer) if peer else None, **extra,
        }
