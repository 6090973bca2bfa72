from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from psycopg2 import errors

from odoo.tests import HttpCase, tagged

from odoo.addons.base.models.ir_cron import IrCron
from odoo.addons.sms_twilio.tools.sms_twilio import get_twilio_status_callback_url

from ..models import crm_lead as crm_lead_module
from ..models import sms_sms as sms_sms_module
from .common_send_queue import T0, DealerSendQueueCommon
from .common_texting import ACCOUNT_SID, DEALER_NUMBER

PHONE = "+15145550166"
# 18:30 in Montreal: closed; next opening Wednesday 08:00 = 13:00 UTC
EVENING = datetime(2026, 11, 24, 23, 30)


@tagged("post_install", "-at_install")
class TestAcknowledgementStatus(DealerSendQueueCommon, HttpCase):
    """The acknowledgement shows what happened: pending, queued, sent, delivered (Twilio's
    reports), failed or maybe sent; its reply-by promise is never in the past."""

    def _new_lead(self, at=T0, **vals):
        with self._frozen(at):
            return self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Walk-in", "contact_name": "Noa Roy", "phone": PHONE,
                "team_id": self.team.id, "user_id": False, **vals})

    def _acknowledge(self, at=T0):
        with self._frozen(at), self._no_commit():
            self.env["crm.lead"]._cron_dealer_send_pending_acks()
        self.env.invalidate_all()

    def _report(self, lead, status, **extra):
        uuid = lead.dealer_ack_sms_uuid
        params = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "From": DEALER_NUMBER,
                  "To": PHONE, "MessageSid": "SMabc", "SmsSid": "SMabc",
                  "MessageStatus": status, "SmsStatus": status, **extra}
        url = get_twilio_status_callback_url(self.env.company, uuid)
        response = self.url_open(f"/sms_twilio/status/{uuid}", data=params,
                                 headers={"X-Twilio-Signature": self._sign(url, params)})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()

    def _alert_number(self, lead):
        alert = self.env["sms.sms"].sudo().search([
            ("dealer_purpose", "=", "staff"), ("dealer_res_model", "=", "crm.lead"),
            ("dealer_res_id", "=", lead.id)])
        self.assertEqual(len(alert), 1, "the salesperson is alerted")
        return alert.number

    def test_acknowledgement_goes_pending_queued_sent_then_delivered(self):
        lead = self._new_lead()
        self.assertEqual(lead.dealer_ack_state, "pending")
        self.assertFalse(self._texts_to(PHONE), "nothing written in the intake transaction")
        self._acknowledge()
        self.assertEqual(lead.dealer_ack_state, "queued")
        self.assertEqual(self.accepted, [])
        self._run_sms_queue(T0 + timedelta(seconds=2))
        self.assertEqual(lead.dealer_ack_state, "sent")
        self.assertEqual(lead.dealer_ack_sent_at, T0 + timedelta(seconds=2))
        self._report(lead, "delivered")
        self.assertEqual(lead.dealer_ack_state, "delivered")

    def test_lead_changed_by_another_worker_is_acknowledged_by_the_next_run(self):
        lead = self._new_lead()
        Lead = type(self.env["crm.lead"])
        # the lock meets a lead a repeat inquiry updated after this run's snapshot
        with patch.object(Lead, "try_lock_for_update", side_effect=errors.SerializationFailure), \
                patch.object(IrCron, "_commit_progress", autospec=True,
                             return_value=1.0) as progress, self._frozen(T0):
            self.env["crm.lead"]._cron_dealer_send_pending_acks()
        self.env.invalidate_all()
        self.assertEqual(lead.dealer_ack_state, "pending", "nothing written by the failed run")
        self.assertEqual(progress.call_args.kwargs["remaining"], 1,
                         "reported as left to do: the cron runner runs again at once")
        self._acknowledge(T0 + timedelta(seconds=2))
        self.assertEqual(lead.dealer_ack_state, "queued")

    def test_status_falls_back_to_the_callers_transaction_when_it_holds_the_lead(self):
        lead = self._new_lead()
        self._acknowledge()

        @contextmanager
        def locked(env, lock_timeout=None):
            raise errors.LockNotAvailable
            yield  # pragma: no cover

        with patch.object(crm_lead_module, "read_committed_cursor", locked):
            self._run_sms_queue(T0)
        self.assertEqual(lead.dealer_ack_sms_state, "sent")

    def _remaining_reported(self, run, module):
        """What a queue run tells the cron runner is left, when a lead or text committed by
        another worker is invisible to the run's snapshot."""
        with patch.object(module, "unseen_committed", return_value=[4242]), \
                patch.object(IrCron, "_commit_progress", autospec=True,
                             return_value=1.0) as progress, self._frozen(T0):
            run()
        return progress.call_args.kwargs["remaining"]

    def test_ack_run_that_meets_a_locked_lead_asks_to_run_again(self):
        self._new_lead()
        Lead = type(self.env["crm.lead"])
        # a request attaching a repeat inquiry holds the lead: SKIP LOCKED passes it over
        with patch.object(Lead, "try_lock_for_update", lambda records: records.browse()), \
                patch.object(IrCron, "_commit_progress", autospec=True,
                             return_value=1.0) as progress, self._frozen(T0):
            self.env["crm.lead"]._cron_dealer_send_pending_acks()
        self.assertEqual(progress.call_args.kwargs["remaining"], 1)

    def test_ack_run_that_cannot_see_a_new_lead_asks_to_run_again(self):
        # ir.cron clears the wake-up of a lead committed in the second the run started
        remaining = self._remaining_reported(
            self.env["crm.lead"]._cron_dealer_send_pending_acks, crm_lead_module)
        self.assertEqual(remaining, 1, "the runner calls it again in a fresh transaction")

    def test_sms_run_that_cannot_see_a_new_text_asks_to_run_again(self):
        remaining = self._remaining_reported(
            self.env["sms.sms"].sudo()._process_queue, sms_sms_module)
        self.assertEqual(remaining, 1)

    def test_late_sent_report_does_not_take_delivered_back(self):
        lead = self._new_lead()
        self._acknowledge()
        self._run_sms_queue(T0)
        self._report(lead, "delivered")
        self._report(lead, "sent")
        self.assertEqual(lead.dealer_ack_state, "delivered")

    def test_undelivered_report_fails_the_acknowledgement(self):
        lead = self._new_lead()
        self._acknowledge()
        self._run_sms_queue(T0)
        self._report(lead, "undelivered", ErrorCode="30003",
                     ErrorMessage="Unreachable destination handset")
        self.assertEqual(lead.dealer_ack_state, "failed")
        self.assertIn("Unreachable destination handset", lead.dealer_ack_note)

    def test_provider_error_keeps_it_queued_until_it_leaves(self):
        self.twilio_script[PHONE] = ["500"]
        lead = self._new_lead()
        self._acknowledge()
        self._run_sms_queue(T0)
        self.assertEqual(lead.dealer_ack_state, "queued", "not sent, not failed yet")
        self._run_sms_queue(T0 + timedelta(minutes=1))
        self.assertEqual(lead.dealer_ack_state, "sent")

    def test_acknowledgement_failing_every_retry_is_failed(self):
        self.twilio_script[PHONE] = ["500"] * 4
        lead = self._new_lead()
        self._acknowledge()
        for at in (0, 1, 6, 21):
            self._run_sms_queue(T0 + timedelta(minutes=at))
        self.assertEqual(lead.dealer_ack_state, "failed")
        self.assertFalse(lead.dealer_ack_sent_at)

    def test_timed_out_acknowledgement_is_maybe_sent(self):
        self.twilio_script[PHONE] = ["read_timeout"]
        lead = self._new_lead()
        self._acknowledge()
        self._run_sms_queue(T0)
        self.assertEqual(lead.dealer_ack_state, "maybe_sent")

    def test_reply_by_is_computed_again_when_the_text_leaves_after_it(self):
        lead = self._new_lead(at=EVENING)
        self._acknowledge(at=EVENING)
        self.assertEqual(lead.dealer_reply_by, datetime(2026, 11, 25, 13, 0))
        # the SMS queue was down all night: the text leaves Wednesday at 08:30 in Montreal
        self._run_sms_queue(datetime(2026, 11, 25, 13, 30))
        body = self._twilio_bodies_to(PHONE)[0]
        self.assertNotIn("closed", body)
        self.assertNotIn("fermés", body)
        self.assertFalse(lead.dealer_after_hours)
        self.assertFalse(lead.dealer_reply_by)

    def test_reply_by_already_past_when_the_ack_is_written_is_not_promised(self):
        lead = self._new_lead(at=EVENING)
        Lead = self.env.registry["crm.lead"]
        with patch.object(Lead, "_dealer_sla_reply_by",
                          lambda self: EVENING - timedelta(minutes=5)):
            self._acknowledge(at=EVENING)
        self.assertEqual(lead.dealer_reply_by, datetime(2026, 11, 25, 13, 0),
                         "the next opening, not a deadline already past")

    def test_staff_alert_note_is_written_once_the_provider_took_it(self):
        lead = self._new_lead()
        self._acknowledge()
        mobile = self._alert_number(lead)

        def notes():
            return lead.message_ids.filtered(lambda m: mobile in (m.preview or "")).mapped(
                "preview")

        self.assertFalse(notes(), "no note claims the alert left before it did")
        self._run_sms_queue(T0)
        self.assertEqual(len(notes()), 1)
        self.assertTrue(notes()[0].startswith(f"Alert texted to {mobile}"), notes())

    def test_staff_alert_note_says_when_the_alert_failed(self):
        mobiles = (self.sales_1 | self.sales_2).mapped("dealer_alert_mobile")
        for mobile in mobiles:
            self.twilio_script[mobile] = ["500"] * 4
        lead = self._new_lead()
        self._acknowledge()
        for at in (0, 1, 6, 21):
            self._run_sms_queue(T0 + timedelta(minutes=at))
        mobile = self._alert_number(lead)
        notes = lead.message_ids.filtered(lambda m: mobile in (m.preview or "")).mapped(
            "preview")
        self.assertEqual(len(notes), 1)
        self.assertTrue(notes[0].startswith(f"Alert to {mobile} failed"), notes)
