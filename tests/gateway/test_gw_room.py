"""The room state machine, without sockets: events in, actions out."""

from __future__ import annotations

from typing import Any

from video_gateway.protocol import CLOSE_ENDED, CLOSE_REPLACED, ClientMessage
from video_gateway.room import (
    CancelTimer,
    Close,
    EndedRoom,
    Notify,
    Phase,
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
from video_gateway.tokens import JoinClaims

T0 = 1_800_000_000.0
ROOM = "r" * 24


def claims(role: str = "customer", *, sub: str | None = None, rec: bool = False,
           lead: int = 42, seat: str = "", instance: str = "") -> JoinClaims:
    return JoinClaims(room=ROOM, role=role, lead=lead,
                      sub=sub or ("customer" if role == "customer" else "7"),
                      name="Marie" if role == "customer" else "Luc", dealer="Garage",
                      lang="fr", rec=rec, jti="j", exp=int(T0) + 3600, instance=instance,
                      seat=seat)


def new_room() -> Room:
    return Room(ROOM, "inst", 42, RoomConfig(ring_timeout=90, choice_timeout=120,
                                            reconnect_grace=30))


def msg(kind: str, **fields: Any) -> ClientMessage:
    return ClientMessage(kind, fields)


def sent(actions: list[Any], conn: str) -> list[dict[str, Any]]:
    return [a.message for a in actions if isinstance(a, Send) and a.conn == conn]


def types(actions: list[Any], conn: str) -> list[str]:
    return [m["type"] for m in sent(actions, conn)]


def notified(actions: list[Any]) -> list[Notify]:
    return [a for a in actions if isinstance(a, Notify)]


def join(room: Room, conn: str, c: JoinClaims, now: float = T0, seat: str = "") -> list[Any]:
    return room.join(conn, c, now, seat_id=seat or f"seat-{conn}", resume_token=f"res-{conn}")


def in_call(rec: bool = False) -> Room:
    room = new_room()
    join(room, "c1", claims(rec=rec))
    join(room, "a1", claims("advisor", rec=rec), T0 + 10)
    return room


# ---------------------------------------------------------------- joining and ringing
def test_customer_join_gets_welcome_with_resume_token() -> None:
    actions = join(new_room(), "c1", claims())
    welcome = sent(actions, "c1")[0]
    assert welcome["type"] == "welcome"
    assert welcome["resume_token"] == "res-c1"
    assert welcome["role"] == "customer"


def test_welcome_never_carries_the_lead_id() -> None:
    welcome = sent(join(new_room(), "c1", claims()), "c1")[0]
    assert "lead" not in welcome
    assert 42 not in welcome.values()


def test_customer_arrival_rings_odoo_and_starts_ring_timer() -> None:
    room = new_room()
    actions = join(room, "c1", claims())
    [event] = notified(actions)
    assert event.event == "customer_waiting"
    assert event.fields["customer_name"] == "Marie"
    assert event.fields["lead"] == 42
    assert StartTimer("ring", 90) in actions
    assert room.phase is Phase.WAITING


def test_customer_waiting_is_published_for_other_replicas() -> None:
    actions = join(new_room(), "c1", claims())
    assert Publish("customer_waiting", {"room": ROOM, "lead": 42}) in actions


def test_recorded_room_waits_for_consent_answer_before_ringing() -> None:
    room = new_room()
    actions = join(room, "c1", claims(rec=True))
    assert not notified(actions)
    assert StartTimer("consent_wait", 20.0) in actions
    actions = room.receive("c1", msg("consent", recording=True), T0 + 3)
    [event] = notified(actions)
    assert event.fields["recording_consent"] is True


def test_recorded_room_rings_anyway_when_consent_is_left_unanswered() -> None:
    room = new_room()
    join(room, "c1", claims(rec=True))
    [event] = notified(room.timer("consent_wait", T0 + 20))
    assert event.fields["recording_consent"] is False


def test_customer_rejoining_does_not_ring_twice() -> None:
    room = new_room()
    join(room, "c1", claims())
    room.disconnect("c1", T0 + 1)
    actions = room.join("c2", claims(seat="seat-c1", instance="inst"), T0 + 2,
                        seat_id="seat-c1", resume_token="x")
    assert not notified(actions)


def test_advisor_join_reports_advisor_joined_with_user_id() -> None:
    room = new_room()
    join(room, "c1", claims())
    [event] = notified(join(room, "a1", claims("advisor", sub="7"), T0 + 5))
    assert event.event == "advisor_joined"
    assert event.fields["advisor_id"] == 7


def test_first_advisor_wins_second_is_refused_room_taken() -> None:
    room = in_call()
    assert room.admission(claims("advisor", sub="8")) == "room_taken"
    actions = join(room, "a2", claims("advisor", sub="8"))
    assert sent(actions, "a2") == [{"type": "error", "code": "room_taken"}]
    assert any(isinstance(a, Close) and a.conn == "a2" for a in actions)


def test_token_of_another_lead_is_refused() -> None:
    room = in_call()
    assert room.admission(claims("advisor", lead=43)) == "wrong_room"


def test_advisor_already_there_means_no_ring_for_the_customer() -> None:
    room = new_room()
    join(room, "a1", claims("advisor"))
    actions = join(room, "c1", claims(), T0 + 1)
    assert [n.event for n in notified(actions)] == []
    assert room.phase is Phase.IN_CALL


# ---------------------------------------------------------------- pairing and signalling
def test_both_present_starts_epoch_one_advisor_offers() -> None:
    room = new_room()
    join(room, "c1", claims())
    actions = join(room, "a1", claims("advisor"), T0 + 10)
    ready_c = next(m for m in sent(actions, "c1") if m["type"] == "ready")
    ready_a = next(m for m in sent(actions, "a1") if m["type"] == "ready")
    assert ready_c["epoch"] == ready_a["epoch"] == 1
    assert ready_a["offerer"] is True and ready_c["offerer"] is False
    assert ready_c["peer"]["name"] == "Luc"
    assert CancelTimer("ring") in actions
    assert room.phase is Phase.IN_CALL


def test_offer_is_relayed_to_the_other_party() -> None:
    room = in_call()
    actions = room.receive("a1", msg("offer", epoch=1, sdp="v=0..."), T0 + 11)
    assert sent(actions, "c1") == [{"type": "offer", "epoch": 1, "sdp": "v=0..."}]


def test_stale_epoch_messages_are_dropped() -> None:
    room = in_call()
    room.receive("c1", msg("renegotiate"), T0 + 12)
    assert room.receive("a1", msg("offer", epoch=1, sdp="v=0"), T0 + 13) == []


def test_end_of_candidates_null_is_relayed() -> None:
    room = in_call()
    actions = room.receive("c1", msg("candidate", epoch=1, candidate=None), T0 + 11)
    assert sent(actions, "a1") == [{"type": "candidate", "epoch": 1, "candidate": None}]


def test_candidate_flood_is_cut_off() -> None:
    room = in_call()
    candidate = {"candidate": "candidate:1 1 udp 1 1.2.3.4 5 typ host", "sdpMid": "0",
                 "sdpMLineIndex": 0}
    for _ in range(200):
        room.receive("c1", msg("candidate", epoch=1, candidate=candidate), T0 + 11)
    actions = room.receive("c1", msg("candidate", epoch=1, candidate=candidate), T0 + 11)
    assert types(actions, "c1") == ["error"]
    assert sent(actions, "a1") == []


def test_signalling_before_the_peer_arrives_is_dropped() -> None:
    room = new_room()
    join(room, "c1", claims())
    assert room.receive("c1", msg("offer", epoch=0, sdp="v=0"), T0 + 1) == []


def test_mute_and_camera_state_is_shown_to_the_peer() -> None:
    room = in_call()
    actions = room.receive("c1", msg("media", audio=False, video=True), T0 + 11)
    assert sent(actions, "a1") == [{"type": "peer_media", "audio": False, "video": True}]


def test_ping_gets_pong() -> None:
    room = in_call()
    assert sent(room.receive("c1", msg("ping"), T0), "c1") == [{"type": "pong"}]


# ---------------------------------------------------------------- no answer
def test_ring_timeout_offers_the_customer_a_callback_time() -> None:
    room = new_room()
    join(room, "c1", claims())
    actions = room.timer("ring", T0 + 90)
    assert types(actions, "c1") == ["no_answer"]
    assert room.phase is Phase.NO_ANSWER
    assert StartTimer("choice", 120) in actions


def test_chosen_callback_time_is_sent_to_odoo_and_ends_the_session() -> None:
    room = new_room()
    join(room, "c1", claims())
    room.timer("ring", T0 + 90)
    actions = room.receive("c1", msg("callback_time", at="2026-11-23T15:00:00Z"), T0 + 100)
    events = notified(actions)
    assert [e.event for e in events] == ["no_answer", "session_ended"]
    assert events[0].fields["callback_time"] == "2026-11-23T15:00:00Z"
    assert events[1].fields["outcome"] == "no_answer"
    assert "callback_booked" in types(actions, "c1")


def test_callback_time_is_refused_while_still_ringing() -> None:
    room = new_room()
    join(room, "c1", claims())
    actions = room.receive("c1", msg("callback_time", at="2026-11-23T15:00:00Z"), T0 + 5)
    assert sent(actions, "c1") == [{"type": "error", "code": "not_now"}]
    assert not notified(actions)


def test_no_choice_in_time_reports_no_answer_without_time() -> None:
    room = new_room()
    join(room, "c1", claims())
    room.timer("ring", T0 + 90)
    events = notified(room.timer("choice", T0 + 210))
    assert [e.event for e in events] == ["no_answer", "session_ended"]
    assert "callback_time" not in events[0].fields


def test_late_advisor_still_connects_after_no_answer_offer() -> None:
    room = new_room()
    join(room, "c1", claims())
    room.timer("ring", T0 + 90)
    actions = join(room, "a1", claims("advisor"), T0 + 95)
    assert "ready" in types(actions, "c1")
    assert CancelTimer("choice") in actions


# ---------------------------------------------------------------- reconnect
def test_drop_keeps_the_seat_and_tells_the_peer() -> None:
    room = in_call()
    actions = room.disconnect("c1", T0 + 20)
    assert StartTimer("grace:customer", 30) in actions
    assert sent(actions, "a1") == [{"type": "peer_away", "role": "customer"}]
    assert room.phase is Phase.IN_CALL


def test_resume_within_grace_renegotiates_with_a_new_epoch() -> None:
    room = in_call()
    room.disconnect("c1", T0 + 20)
    actions = room.join("c2", claims(seat="seat-c1", instance="inst"), T0 + 25,
                        seat_id="seat-c1", resume_token="r2")
    assert CancelTimer("grace:customer") in actions
    assert [m["epoch"] for m in sent(actions, "a1") if m["type"] == "ready"] == [2]
    assert not notified(actions)


def test_grace_expiry_during_call_ends_with_customer_left() -> None:
    room = in_call()
    room.disconnect("c1", T0 + 20)
    events = notified(room.timer("grace:customer", T0 + 50))
    assert events[0].event == "session_ended"
    assert events[0].fields["outcome"] == "customer_left"


def test_grace_expiry_of_advisor_during_call_is_advisor_left() -> None:
    room = in_call()
    room.disconnect("a1", T0 + 20)
    [event] = notified(room.timer("grace:advisor", T0 + 50))
    assert event.fields["outcome"] == "advisor_left"


def test_second_socket_for_the_same_seat_replaces_the_first() -> None:
    room = in_call()
    actions = room.join("c2", claims(seat="seat-c1", instance="inst"), T0 + 30,
                        seat_id="seat-c1", resume_token="r")
    assert Close("c1", CLOSE_REPLACED, "replaced") in actions


def test_resume_token_of_an_old_room_instance_is_refused() -> None:
    room = in_call()
    assert room.admission(claims(seat="seat-c1", instance="other")) == "room_ended"


# ---------------------------------------------------------------- hang-up and session
def test_hangup_after_call_reports_completed_with_duration() -> None:
    room = in_call()
    actions = room.receive("c1", msg("hangup", reason="hangup"), T0 + 130)
    [event] = [n for n in notified(actions) if n.event == "session_ended"]
    assert event.fields["outcome"] == "completed"
    assert event.fields["started_at"] == "2027-01-15T08:00:10Z"
    assert event.fields["duration_seconds"] == 120
    assert event.fields["advisor_id"] == 7
    assert Close("a1", CLOSE_ENDED, "ended") in actions
    assert RoomClosed("completed") in actions


def test_customer_leaving_before_anyone_answers_is_customer_left() -> None:
    room = new_room()
    join(room, "c1", claims())
    [event] = [n for n in notified(room.receive("c1", msg("hangup", reason="hangup"), T0 + 5))
               if n.event == "session_ended"]
    assert event.fields["outcome"] == "customer_left"
    assert event.fields["started_at"] is None
    assert event.fields["advisor_id"] is None


def test_hangup_with_failure_reports_failed() -> None:
    room = in_call()
    [event] = notified(room.receive("a1", msg("hangup", reason="failed"), T0 + 20))
    assert event.fields["outcome"] == "failed"


def test_advisor_alone_hanging_up_frees_the_room_for_another_advisor() -> None:
    room = new_room()
    join(room, "a1", claims("advisor", sub="7"))
    room.receive("a1", msg("hangup", reason="hangup"), T0 + 5)
    assert room.admission(claims("advisor", sub="8")) is None
    assert room.phase is not Phase.ENDED


def test_ended_room_refuses_everyone() -> None:
    room = in_call()
    room.receive("c1", msg("hangup", reason="hangup"), T0 + 30)
    assert room.admission(claims()) == "room_ended"
    assert room.receive("a1", msg("ping"), T0 + 31) == []


# ---------------------------------------------------------------- recording
def test_recording_starts_only_when_both_consent() -> None:
    room = in_call(rec=True)
    actions = room.receive("c1", msg("consent", recording=True), T0 + 11)
    assert StartRecording() not in actions
    actions = room.receive("a1", msg("consent", recording=True), T0 + 12)
    assert StartRecording() in actions
    assert {"type": "recording", "active": True} in sent(actions, "c1")


def test_consent_is_ignored_where_the_dealer_does_not_record() -> None:
    room = in_call(rec=False)
    room.receive("c1", msg("consent", recording=True), T0 + 11)
    actions = room.receive("a1", msg("consent", recording=True), T0 + 12)
    assert StartRecording() not in actions
    assert types(actions, "a1") == ["error"]


def test_withdrawn_consent_stops_and_discards_the_recording() -> None:
    room = in_call(rec=True)
    room.receive("c1", msg("consent", recording=True), T0 + 11)
    room.receive("a1", msg("consent", recording=True), T0 + 12)
    actions = room.receive("c1", msg("consent", recording=False), T0 + 20)
    assert StopRecording(keep=False) in actions


def test_session_end_asks_to_attach_a_consented_recording() -> None:
    room = in_call(rec=True)
    room.receive("c1", msg("consent", recording=True), T0 + 11)
    room.receive("a1", msg("consent", recording=True), T0 + 12)
    actions = room.receive("a1", msg("hangup", reason="hangup"), T0 + 60)
    [event] = [n for n in notified(actions) if n.event == "session_ended"]
    assert event.attach_recording is True
    assert StopRecording(keep=True) in actions


def test_session_end_without_consent_attaches_nothing() -> None:
    room = in_call(rec=True)
    room.receive("c1", msg("consent", recording=True), T0 + 11)
    actions = room.receive("a1", msg("hangup", reason="hangup"), T0 + 60)
    [event] = [n for n in notified(actions) if n.event == "session_ended"]
    assert event.attach_recording is False


def test_recorder_offer_is_forwarded_only_while_recording() -> None:
    room = in_call(rec=True)
    assert types(room.receive("c1", msg("rec_offer", sdp="v=0"), T0 + 11), "c1") == ["error"]
    room.receive("c1", msg("consent", recording=True), T0 + 11)
    room.receive("a1", msg("consent", recording=True), T0 + 12)
    actions = room.receive("c1", msg("rec_offer", sdp="v=0"), T0 + 13)
    assert actions == [RecorderOffer("c1", "customer", "v=0")]


def test_customer_welcome_says_waiting_when_the_ring_starts() -> None:
    welcome = sent(join(new_room(), "c1", claims()), "c1")[0]
    assert welcome["phase"] == "waiting"


def test_customer_welcome_says_in_call_when_the_advisor_is_there() -> None:
    room = new_room()
    join(room, "a1", claims("advisor"))
    welcome = sent(join(room, "c1", claims(), T0 + 5), "c1")[0]
    assert welcome["phase"] == "in_call"


def test_resume_token_without_lead_rejoins_its_seat() -> None:
    room = new_room()
    join(room, "c1", claims(), seat="s1")
    room.disconnect("c1", T0 + 1)
    resume = claims(lead=0, seat="s1", instance="inst")
    assert room.admission(resume) is None
    assert types(join(room, "c2", resume, T0 + 2, seat="s1"), "c2")[0] == "welcome"


def test_join_link_without_seat_cannot_take_a_seat_held_by_a_resume_token() -> None:
    room = new_room()
    join(room, "c1", claims(), seat="s1")
    room.disconnect("c1", T0 + 1)
    stale = claims(lead=0, seat="s-old", instance="inst")
    assert room.admission(stale) == "seat_gone"


# ---------------------------------------------------------------- reopening the link
def _ended_while_waiting() -> tuple[Room, EndedRoom]:
    """The customer waited, closed the tab and the grace passed: ended ``customer_left``."""
    room = new_room()
    join(room, "c1", claims(), seat="seat-c")
    room.disconnect("c1", T0 + 5)
    room.timer("grace:customer", T0 + 35)
    ended = room.ended_record()
    assert ended is not None
    return room, ended


def resume_claims(ended: EndedRoom, **changes: Any) -> JoinClaims:
    base = claims(instance=ended.instance, seat=ended.customer_seat, lead=0)
    values = {"link_exp": int(T0) + 3600, **changes}
    return JoinClaims(**{**{f: getattr(base, f) for f in JoinClaims.__slots__}, **values})


def test_customer_resume_token_reopens_a_room_ended_while_waiting() -> None:
    _room, ended = _ended_while_waiting()
    assert ended.outcome == "customer_left"
    assert ended.reopen_refusal(resume_claims(ended), T0 + 600) is None


def test_reopened_room_is_a_new_instance_that_rings_odoo_again() -> None:
    _room, ended = _ended_while_waiting()
    room, entry = ended.reopen("inst-2", RoomConfig(), resume_claims(ended))
    actions = join(room, "c2", entry, T0 + 600)
    assert room.instance == "inst-2" and room.lead == 42
    assert sent(actions, "c2")[0]["phase"] == "waiting"
    [waiting] = notified(actions)
    assert waiting.event == "customer_waiting" and waiting.fields["lead"] == 42


def test_reopen_is_allowed_after_no_answer() -> None:
    room = new_room()
    join(room, "c1", claims(), seat="seat-c")
    room.timer("ring", T0 + 90)
    room.timer("choice", T0 + 210)
    ended = room.ended_record()
    assert ended and ended.outcome == "no_answer"
    assert ended.reopen_refusal(resume_claims(ended), T0 + 300) is None


def test_no_reopen_after_a_call_took_place() -> None:
    room = in_call()
    room.receive("c1", msg("hangup", reason="hangup"), T0 + 100)
    ended = room.ended_record()
    assert ended and ended.met
    c = claims(instance=ended.instance, seat=ended.customer_seat, lead=0)
    assert ended.reopen_refusal(c, T0 + 200) == "room_ended"


def test_no_reopen_once_the_join_link_expired() -> None:
    _room, ended = _ended_while_waiting()
    assert ended.reopen_refusal(resume_claims(ended), T0 + 3600) == "room_ended"


def test_no_reopen_with_another_seat_or_an_advisor_token() -> None:
    _room, ended = _ended_while_waiting()
    assert ended.reopen_refusal(resume_claims(ended, seat="other"), T0 + 60) == "room_ended"
    advisor = resume_claims(ended, role="advisor", sub="7")
    assert ended.reopen_refusal(advisor, T0 + 60) == "room_ended"


def test_resume_token_of_the_ended_instance_cannot_enter_the_reopened_one() -> None:
    _room, ended = _ended_while_waiting()
    old = resume_claims(ended)
    room, entry = ended.reopen("inst-2", RoomConfig(), old)
    join(room, "c2", entry, T0 + 600)
    assert room.admission(old) == "room_ended"
