from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.base.models.ir_cron import IrCron

from .common_send_queue import T0, DealerSendQueueCommon
from .common_texting import CUSTOMER, STRANGER

OTHER = "+15145550177"


def minutes(n):
    return T0 + timedelta(minutes=n)


@tagged("post_install", "-at_install")
class TestSendQueue(DealerSendQueueCommon):
    """Texts leave through the queue only; provider faults are retried, or shown for a person,
    and no text ever reaches the provider twice on its own."""

    def _sms_cron_triggers(self):
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action")
        return self.env["ir.cron.trigger"].sudo().search(
            [("cron_id", "=", cron.id)]).mapped("call_at")

    def test_queueing_a_text_calls_no_provider_and_wakes_the_queue_at_once(self):
        sms = self._queue_text(CUSTOMER)
        self.assertEqual(self.twilio_requests, [], "nothing leaves in the caller's transaction")
        self.assertEqual(sms.state, "outgoing")
        self.assertIn(T0, self._sms_cron_triggers())

    def test_send_from_odoo_queues_instead_of_calling_the_provider(self):
        with self._frozen(T0):
            self.customer_lead._message_sms("Bonjour", sms_numbers=[CUSTOMER],
                                            put_in_queue=False)
        self.assertEqual(self.twilio_requests, [])
        self._run_sms_queue(T0)
        self.assertEqual(self.accepted, [CUSTOMER])

    def test_provider_500_is_retried_after_1_then_5_minutes_and_sent_once(self):
        self.twilio_script[CUSTOMER] = ["500", "500"]
        sms = self._queue_text(CUSTOMER)
        self._run_sms_queue(T0)
        self.assertEqual((sms.state, sms.dealer_next_attempt_at), ("outgoing", minutes(1)))
        self.assertIn(minutes(1), self._sms_cron_triggers())
        self._run_sms_queue(T0 + timedelta(seconds=30))
        self.assertEqual(len(self.twilio_requests), 1, "not before its retry time")
        self._run_sms_queue(minutes(1))
        self.assertEqual(sms.dealer_next_attempt_at, minutes(6))
        self._run_sms_queue(minutes(6))
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.dealer_attempt_count, 3)
        self.assertEqual(self.accepted, [CUSTOMER], "reached the provider exactly once")

    def test_html_500_fails_only_its_own_text(self):
        self.twilio_script[CUSTOMER] = ["html500"]
        first = self._queue_text(CUSTOMER)
        second = self._queue_text(OTHER)
        self._run_sms_queue(T0)
        self.assertEqual(second.state, "pending", "the next text of the batch still left")
        self.assertEqual((first.state, first.dealer_next_attempt_at), ("outgoing", minutes(1)))
        self._run_sms_queue(minutes(1))
        self.assertEqual(first.state, "pending")
        self.assertEqual(sorted(self.accepted), sorted([CUSTOMER, OTHER]))

    def test_a_batch_handed_over_at_once_keeps_one_verdict_per_text(self):
        answers = {CUSTOMER: "ok", OTHER: "read_timeout", "+15145550178": "500",
                   "+15145550179": "refused"}
        for number, answer in answers.items():
            self.twilio_script[number] = [answer]
        texts = {number: self._queue_text(number) for number in answers}
        self._run_sms_queue(T0)
        self.assertEqual(len(self.twilio_requests), 4, "the whole batch left in one run")
        self.assertEqual(texts[CUSTOMER].state, "pending")
        self.assertEqual((texts[OTHER].state, texts[OTHER].failure_type),
                         ("error", "dealer_uncertain"))
        for number in ("+15145550178", "+15145550179"):
            self.assertEqual((texts[number].state, texts[number].dealer_next_attempt_at),
                             ("outgoing", minutes(1)), number)
        self.assertFalse(any(text.dealer_send_started_at for text in texts.values()))

    def test_connection_refused_and_connect_timeout_are_retried(self):
        self.twilio_script[CUSTOMER] = ["refused", "connect_timeout"]
        sms = self._queue_text(CUSTOMER)
        self._run_sms_queue(T0)
        self.assertEqual(sms.state, "outgoing")
        self._run_sms_queue(minutes(1))
        self.assertEqual(sms.state, "outgoing")
        self._run_sms_queue(minutes(6))
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self.accepted, [CUSTOMER])

    def test_read_timeout_is_maybe_sent_and_never_sent_again_automatically(self):
        self.twilio_script[CUSTOMER] = ["read_timeout"]
        sms = self._queue_text(CUSTOMER)
        self._run_sms_queue(T0)
        self.assertEqual((sms.state, sms.failure_type), ("error", "dealer_uncertain"))
        for later in (1, 6, 21, 60):
            self._run_sms_queue(minutes(later))
        self.assertEqual(len(self.twilio_requests), 1)
        self.assertEqual(self.accepted, [CUSTOMER], "the provider got it once")

    def test_maybe_sent_text_is_sent_again_when_a_person_retries(self):
        self.twilio_script[CUSTOMER] = ["read_timeout"]
        sms = self._queue_text(CUSTOMER)
        self._run_sms_queue(T0)
        with self._frozen(minutes(3)):
            sms.resend_failed()
        self.assertEqual(sms.state, "outgoing")
        self._run_sms_queue(minutes(3))
        self.assertEqual(sms.state, "pending")
        self.assertEqual(self.accepted, [CUSTOMER, CUSTOMER])

    def test_after_the_last_retry_the_text_fails_and_the_salesperson_hears_it(self):
        self.twilio_script[CUSTOMER] = ["500"] * 4
        sms = self._queue_text(CUSTOMER)
        for at in (0, 1, 6, 21):
            self._run_sms_queue(minutes(at))
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertEqual(len(self.twilio_requests), 4)
        self._run_sms_queue(minutes(60))
        self.assertEqual(len(self.twilio_requests), 4, "failed: no fifth attempt")
        alert = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "=", self.customer_lead.id),
            ("partner_ids", "in", self.sales_1.partner_id.ids)])
        self.assertIn("could not be sent", alert[:1].preview or "")

    def test_fresh_in_flight_mark_is_left_alone_and_blocks_nothing(self):
        busy = self._queue_text(CUSTOMER)
        busy.dealer_send_started_at = T0 - timedelta(minutes=1)  # another worker sends it
        self._queue_text(OTHER)
        self._run_sms_queue(T0)
        self.assertEqual(self.accepted, [OTHER])
        self.assertEqual(busy.state, "outgoing")

    def test_dead_workers_mark_becomes_maybe_sent_and_is_never_resent(self):
        dead = self._queue_text(CUSTOMER)
        dead.dealer_send_started_at = T0 - timedelta(minutes=15)
        waiting = self._queue_text(OTHER)
        self._run_sms_queue(T0)
        self.assertEqual((dead.state, dead.failure_type), ("error", "dealer_uncertain"))
        self.assertEqual(waiting.state, "pending")
        self.assertEqual(self.accepted, [OTHER])

    def test_mark_is_committed_before_the_provider_is_called(self):
        sms = self._queue_text(CUSTOMER)
        events = []
        original = type(self)._request_handler.__func__

        def handler(cls, session, request, **kwargs):
            events.append(("provider", bool(sms.dealer_send_started_at)))
            return original(cls, session, request, **kwargs)

        with patch.object(type(self), "_request_handler", classmethod(handler)), \
                patch.object(IrCron, "_commit_progress",
                             lambda *a, **k: events.append(("commit", None)) or 1.0), \
                self._frozen(T0):
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(events, [("commit", None), ("provider", True), ("commit", None)])

    def test_a_batch_mixing_every_fault_sends_each_text_at_most_once(self):
        numbers = [CUSTOMER, OTHER, STRANGER, "+15145550188"]
        for number, fault in zip(numbers, ["500", "html500", "read_timeout", "ok"],
                                 strict=True):
            self.twilio_script[number] = [fault]
        for number in numbers:
            self._queue_text(number)
        for at in (0, 1, 6, 21, 60):
            self._run_sms_queue(minutes(at))
        self.assertEqual(sorted(self.accepted), sorted(numbers))
