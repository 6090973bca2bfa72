import base64
import json
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.crm_lead import CrmLead
from odoo.addons.dealer_lead_addon.models.dealer_video_session import DealerVideoSession
from odoo.addons.dealer_lead_addon.tests.common_intake import OPEN_NOW
from odoo.addons.dealer_lead_addon.tests.common_video import DealerVideoCommon, decode_join_token


@tagged("post_install", "-at_install")
class TestVideoEvents(DealerVideoCommon):
    """What Odoo does with each gateway event: ring group, first advisor wins, missed call,
    session record; and the raw event log (idempotent, nothing lost)."""

    def _advisor_link_in(self, sms):
        self.assertEqual(len(sms), 1)
        return decode_join_token(sms.body.split()[-1])

    def _notified(self, user, session):
        return self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "=", session.lead_id.id),
            ("partner_ids", "in", user.partner_id.ids),
            ("subject", "ilike", "video")])

    # ring group

    def test_waiting_customer_rings_the_assigned_salesperson_only(self):
        session = self._session()
        with self._frozen(OPEN_NOW):
            status, _answer = self._receive(session, "customer_waiting",
                                            customer_name="Sophie", recording_consent=True)
        self.assertEqual(status, 200)
        self.assertEqual(session.state, "ringing")
        self.assertEqual(session.rung_user_ids, self.sales_1)
        claims = self._advisor_link_in(self._sms_to("+15145550101"))
        self.assertEqual((claims["role"], claims["sub"]), ("advisor", str(self.sales_1.id)))
        self.assertEqual(claims["room"], session.room)
        self.assertFalse(self._sms_to("+15145550102"))
        self.assertTrue(self._notified(self.sales_1, session))
        self.assertTrue(session.recording_consent)

    def test_waiting_customer_without_salesperson_rings_every_advisor_on_shift(self):
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertEqual(session.rung_user_ids, self.sales_1 | self.sales_2,
                         "the after-hours owner is out of the rotation")
        for user in (self.sales_1, self.sales_2):
            claims = self._advisor_link_in(self._sms_to(user.dealer_alert_mobile))
            self.assertEqual(claims["sub"], str(user.id), "each advisor gets their own link")
            self.assertTrue(self._notified(user, session))

    def test_ring_group_after_hours_rings_nobody_and_says_so(self):
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW.replace(hour=23, minute=30)):
            self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertFalse(session.rung_user_ids)
        self.assertIn("no advisor is available", lead.message_ids[0].body)

    def test_advisor_without_mobile_is_notified_in_odoo_only(self):
        self.sales_2.dealer_alert_mobile = False
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertTrue(self._notified(self.sales_2, session))
        self.assertEqual(len(self._sms_to("+15145550101")), 1)

    def test_advisor_who_answers_a_ring_group_takes_the_lead(self):
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
            self._receive(session, "advisor_joined", advisor_id=self.sales_2.id)
        self.assertEqual(lead.user_id, self.sales_2)

    def test_waiting_customer_counts_as_customer_engagement(self):
        session = self._session()
        with patch.object(CrmLead, "_dealer_customer_engaged", autospec=True) as engaged:
            self._receive(session, "customer_waiting", customer_name="Sophie")
        engaged.assert_called_once_with(self.lead, "video")

    # answering

    def test_first_advisor_to_join_wins(self):
        session = self._session()
        self._receive(session, "customer_waiting", customer_name="Sophie")
        self._receive(session, "advisor_joined", advisor_id=self.sales_2.id)
        status, _answer = self._receive(session, "advisor_joined", advisor_id=self.sales_1.id)
        self.assertEqual(status, 200)
        self.assertEqual(session.advisor_id, self.sales_2)
        self.assertEqual(session.state, "in_call")
        late = self.env["dealer.video.event"].search(
            [("session_id", "=", session.id), ("event_type", "=", "advisor_joined")],
            order="id desc", limit=1)
        self.assertEqual(late.state, "ignored")

    def test_no_answer_schedules_a_call_at_the_time_the_customer_chose(self):
        session = self._session()
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
            self._receive(session, "no_answer", callback_time="2026-11-25T19:30:00Z")
        self.assertEqual(session.state, "no_answer")
        self.assertEqual(str(session.callback_at), "2026-11-25 19:30:00")
        activity = self.lead.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.sales_1)
        self.assertEqual(str(activity.date_deadline), "2026-11-25")
        self.assertIn("14:30", str(activity.note), "the time in the dealership's time zone")

    def test_no_answer_without_salesperson_goes_to_after_hours_owner(self):
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW):
            self._receive(session, "no_answer")
        self.assertEqual(lead.activity_ids.user_id, self.night_owner)

    # end of the session

    def test_ended_session_is_recorded_and_counts_as_human_response(self):
        session = self._session()
        self._receive(session, "customer_waiting", customer_name="Sophie")
        self._receive(session, "advisor_joined", advisor_id=self.sales_1.id)
        with patch.object(CrmLead, "_dealer_human_responded", autospec=True) as responded:
            status, _answer = self._receive(
                session, "session_ended", advisor_id=self.sales_1.id,
                started_at="2026-11-24T15:00:10Z", ended_at="2026-11-24T15:12:13Z",
                duration_seconds=723, outcome="completed", recording=None)
        self.assertEqual(status, 200)
        self.assertEqual(session.state, "ended")
        self.assertEqual(str(session.started_at), "2026-11-24 15:00:10")
        self.assertEqual(str(session.ended_at), "2026-11-24 15:12:13")
        self.assertEqual(session.duration_seconds, 723)
        self.assertEqual(session.outcome, "completed")
        self.assertFalse(session.recording_id)
        responded.assert_called_once_with(self.lead, "video", self.sales_1,
                                          when=session.started_at)
        self.assertIn("12 min 03 s", self.lead.message_ids[0].body)

    def test_session_without_advisor_is_not_a_human_response(self):
        session = self._session()
        with patch.object(CrmLead, "_dealer_human_responded", autospec=True) as responded:
            self._receive(session, "session_ended", advisor_id=None, started_at=None,
                          ended_at="2026-11-24T15:01:30Z", duration_seconds=0,
                          outcome="customer_left")
        responded.assert_not_called()
        self.assertEqual(session.outcome, "customer_left")

    def test_customer_reopening_after_leaving_unanswered_is_rung_again(self):
        session = self._session()
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
            self._receive(session, "session_ended", advisor_id=None, started_at=None,
                          ended_at="2026-11-24T15:01:30Z", duration_seconds=0,
                          outcome="customer_left")
            self.env["sms.sms"].search([]).unlink()
            status, _answer = self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertEqual(status, 200)
        self.assertEqual((session.state, session.outcome), ("ringing", False))
        self.assertEqual(len(self._sms_to("+15145550101")), 1, "the advisor is rung again")

    def test_customer_waiting_after_a_completed_call_changes_nothing(self):
        session = self._session()
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
            self._receive(session, "advisor_joined", advisor_id=self.sales_1.id)
            self._receive(session, "session_ended", advisor_id=self.sales_1.id,
                          started_at="2026-11-24T15:00:10Z", ended_at="2026-11-24T15:05:10Z",
                          duration_seconds=300, outcome="completed", recording=None)
            self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertEqual((session.state, session.outcome), ("ended", "completed"))

    def test_consented_recording_is_attached_to_the_lead(self):
        session = self._session()
        self._receive(session, "customer_waiting", customer_name="Sophie", recording_consent=True)
        self._receive(session, "session_ended", advisor_id=self.sales_1.id,
                      started_at="2026-11-24T15:00:10Z", ended_at="2026-11-24T15:01:10Z",
                      duration_seconds=60, outcome="completed",
                      recording={"filename": "call.webm", "mimetype": "video/webm",
                                 "data_base64": base64.b64encode(b"webm-bytes").decode()})
        attachment = session.recording_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("crm.lead", self.lead.id))
        self.assertEqual(attachment.raw, b"webm-bytes")
        self.assertIn(attachment, self.lead.message_ids[0].attachment_ids)
        event = session.event_ids[0]
        self.assertNotIn(base64.b64encode(b"webm-bytes").decode(), event.raw_body,
                         "the raw log points to the attachment instead of a second copy")

    def test_recording_without_customer_consent_is_not_kept(self):
        session = self._session()
        self._receive(session, "customer_waiting", customer_name="Sophie",
                      recording_consent=False)
        self._receive(session, "session_ended", advisor_id=None, started_at=None,
                      ended_at="2026-11-24T15:01:10Z", duration_seconds=0, outcome="failed",
                      recording={"filename": "call.webm", "mimetype": "video/webm",
                                 "data_base64": base64.b64encode(b"webm").decode()})
        self.assertFalse(session.recording_id)
        self.assertFalse(self.env["ir.attachment"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", self.lead.id)]))

    # the raw event log

    def test_replayed_event_changes_nothing(self):
        session = self._session()
        self._receive(session, "customer_waiting", event_id="evt-1", customer_name="Sophie")
        status, answer = self._receive(session, "customer_waiting", event_id="evt-1",
                                       customer_name="Sophie")
        self.assertEqual((status, answer.get("duplicate")), (200, True))
        self.assertEqual(len(self._sms_to("+15145550101")), 1, "rung once")
        event = self.env["dealer.video.event"].search([("event_id", "=", "evt-1")])
        self.assertEqual((len(event), event.attempt_count), (1, 2))

    def test_event_for_unknown_room_is_rejected_and_kept(self):
        session = self._session()
        body = self._body(session, "customer_waiting", event_id="evt-x")
        body = body.replace(session.room.encode(), b"not-a-room-0123456789xyz")
        status, answer = self.env["dealer.video.event"]._dealer_receive(body)
        self.assertEqual((status, answer), (400, {"error": "unknown room"}))
        event = self.env["dealer.video.event"].search([("event_id", "=", "evt-x")])
        self.assertEqual((event.state, event.reason_code), ("quarantined", "malformed"))

    def test_event_for_another_lead_is_rejected(self):
        session = self._session()
        body = json.loads(self._body(session, "no_answer"))
        body["lead"] = self._video_lead(self.sales_1).id
        status, _answer = self.env["dealer.video.event"]._dealer_receive(
            json.dumps(body).encode())
        self.assertEqual(status, 400)
        self.assertFalse(self.lead.activity_ids)

    def test_unparseable_body_is_kept_for_inspection(self):
        status, answer = self.env["dealer.video.event"]._dealer_receive(b"{not json")
        self.assertEqual(status, 400)
        self.assertIn("error", answer)
        event = self.env["dealer.video.event"].search([], limit=1)
        self.assertEqual((event.state, event.raw_body), ("quarantined", "{not json"))

    def test_bad_outcome_is_rejected(self):
        session = self._session()
        status, answer = self._receive(session, "session_ended", outcome="exploded",
                                       duration_seconds=1)
        self.assertEqual((status, answer), (400, {"error": "unknown outcome"}))
        self.assertNotEqual(session.state, "ended")

    def test_failed_processing_is_kept_and_redone_when_the_gateway_retries(self):
        session = self._session()
        with patch.object(DealerVideoSession, "_dealer_on_advisor_joined",
                          side_effect=RuntimeError("database hiccup")):
            status, _answer = self._receive(session, "advisor_joined", event_id="evt-2",
                                            advisor_id=self.sales_1.id)
        self.assertEqual(status, 500)
        event = self.env["dealer.video.event"].search([("event_id", "=", "evt-2")])
        self.assertEqual((event.state, event.reason_code), ("quarantined", "internal"))
        self.assertFalse(session.advisor_id)
        status, _answer = self._receive(session, "advisor_joined", event_id="evt-2",
                                        advisor_id=self.sales_1.id)
        self.assertEqual(status, 200)
        self.assertEqual((event.state, session.advisor_id), ("done", self.sales_1))
