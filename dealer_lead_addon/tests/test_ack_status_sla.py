from datetime import timedelta

from odoo.tests import tagged

from .common_send_queue import T0, DealerSendQueueCommon
from .common_texting import CUSTOMER
from .common_video import DealerVideoCommon


@tagged("post_install", "-at_install")
class TestFirstResponseLeft(DealerSendQueueCommon):
    """A person's message answers the lead when it actually left: a text accepted by the
    provider, an e-mail accepted by the mail server; a failed one answers nothing."""

    def _text_by_salesperson(self, number=CUSTOMER):
        with self._frozen(T0):
            self.customer_lead.with_user(self.sales_1)._message_sms(
                "Bonjour Sophie, ici Marc.", sms_numbers=[number])

    def test_text_answers_the_lead_when_the_provider_accepts_it(self):
        self._text_by_salesperson()
        self.assertFalse(self.customer_lead.dealer_first_response_at, "only queued")
        self._run_sms_queue(T0 + timedelta(minutes=2))
        lead = self.customer_lead
        self.assertEqual(lead.dealer_first_response_at, T0 + timedelta(minutes=2))
        self.assertEqual((lead.dealer_first_response_channel, lead.dealer_first_response_user_id),
                         ("sms", self.sales_1))

    def test_failed_text_is_not_a_response(self):
        self.twilio_errors[CUSTOMER] = 21211  # invalid number: refused for good
        self._text_by_salesperson()
        self._run_sms_queue(T0)
        self.assertEqual(self._texts_to(CUSTOMER).state, "error")
        self.assertFalse(self.customer_lead.dealer_first_response_at)

    def test_text_waiting_for_a_retry_is_not_a_response_yet(self):
        self.twilio_script[CUSTOMER] = ["500"]
        self._text_by_salesperson()
        self._run_sms_queue(T0)
        self.assertFalse(self.customer_lead.dealer_first_response_at)
        self._run_sms_queue(T0 + timedelta(minutes=1))
        self.assertEqual(self.customer_lead.dealer_first_response_at, T0 + timedelta(minutes=1))

    def test_automated_text_sent_for_a_person_is_not_a_response(self):
        with self._frozen(T0):
            self.env["dealer.outbound"]._send_sms(
                self.customer_lead, "Rappel: essai routier demain", purpose="service",
                author=self.sales_1, number=CUSTOMER)
        self._run_sms_queue(T0)
        self.assertEqual(self.accepted, [CUSTOMER])
        self.assertFalse(self.customer_lead.dealer_first_response_at)

    def test_email_answers_the_lead_when_the_mail_server_accepts_it(self):
        customer = self.env["res.partner"].create({
            "name": "Sophie Tremblay", "email": "sophie@example.com"})
        with self._frozen(T0), self.mock_mail_gateway():
            self.customer_lead.with_user(self.sales_1).message_post(
                body="Bonjour Sophie", message_type="comment", subtype_xmlid="mail.mt_comment",
                partner_ids=customer.ids)
            self.assertFalse(self.customer_lead.dealer_first_response_at, "only queued")
        with self._frozen(T0 + timedelta(minutes=1)), self.mock_mail_gateway():
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self.customer_lead.dealer_first_response_at, T0 + timedelta(minutes=1))
        self.assertEqual(self.customer_lead.dealer_first_response_channel, "email")


@tagged("post_install", "-at_install")
class TestVideoFirstResponse(DealerVideoCommon):
    """A video call answers the customer only when both were in the call for at least
    ``video_min_answer_seconds`` (default 20); opening the advisor's page never does."""

    def _call(self, duration, started="2026-11-24T15:00:10Z"):
        session = self._session()
        self._receive(session, "customer_waiting", customer_name="Sophie")
        self._receive(session, "advisor_joined", advisor_id=self.sales_1.id)
        self._receive(session, "session_ended", advisor_id=self.sales_1.id,
                      started_at=started, ended_at="2026-11-24T15:05:00Z",
                      duration_seconds=duration, outcome="completed", recording=None)
        return session

    def test_call_of_twenty_seconds_answers_the_lead(self):
        self._call(20)
        self.assertEqual(self.lead.dealer_first_response_channel, "video")
        self.assertEqual(self.lead.dealer_first_response_user_id, self.sales_1)

    def test_call_cut_after_a_few_seconds_is_not_an_answer(self):
        self._call(5)
        self.assertFalse(self.lead.dealer_first_response_at)

    def test_zero_second_call_is_not_an_answer(self):
        self._call(0)
        self.assertFalse(self.lead.dealer_first_response_at)

    def test_minimum_call_length_is_configurable(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_min_answer_seconds", "60")
        self._call(45)
        self.assertFalse(self.lead.dealer_first_response_at)
        self.lead.dealer_video_session_ids.unlink()
        self._call(60)
        self.assertEqual(self.lead.dealer_first_response_channel, "video")

    def test_advisor_alone_in_the_room_is_not_an_answer(self):
        session = self._session()
        self._receive(session, "advisor_joined", advisor_id=self.sales_1.id)
        self.assertFalse(self.lead.dealer_first_response_at)
        self.assertNotIn("answered the customer", self.lead.message_ids[0].body)
        self.assertIn("joined the live video room", self.lead.message_ids[0].body)
        self._receive(session, "session_ended", advisor_id=self.sales_1.id, started_at=None,
                      ended_at="2026-11-24T15:05:00Z", duration_seconds=0,
                      outcome="advisor_left", recording=None)
        self.assertFalse(self.lead.dealer_first_response_at)
