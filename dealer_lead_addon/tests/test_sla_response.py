from datetime import datetime

from odoo.tests import tagged

from .common_sla import TUESDAY_10AM, DealerSlaCommon

FIVE_MINUTES_LATER = datetime(2026, 11, 24, 15, 5)


@tagged("post_install", "-at_install")
class TestSlaResponse(DealerSlaCommon):
    """What stops the clock: a person answering the customer (SMS, e-mail, logged call, video);
    not notes, machine messages nor OdooBot."""

    def setUp(self):
        super().setUp()
        self.lead = self._lead_with_clock(TUESDAY_10AM, user=self.sales_1,
                                          email_from="chloe@example.com", phone="+15145559876")

    def _post(self, user, **kwargs):
        """``user`` writes to the customer on the chatter; the mail queue sends it at once."""
        customer = self.env["res.partner"].create({"name": "Chloé", "email": "chloe@example.com"})
        with self._frozen(FIVE_MINUTES_LATER), self.mockSMSGateway(), self.mock_mail_gateway():
            message = self.lead.with_user(user).message_post(
                body="Bonjour Chloé", partner_ids=customer.ids, **kwargs)
            self._run_queues()
        return message

    def test_message_to_the_customer_stamps_the_first_response(self):
        self._post(self.sales_1, message_type="comment", subtype_xmlid="mail.mt_comment")
        lead, clock = self.lead, self.lead.dealer_sla_clock_ids
        self.assertEqual(lead.dealer_first_response_at, FIVE_MINUTES_LATER)
        self.assertEqual(lead.dealer_first_response_user_id, self.sales_1)
        self.assertEqual(lead.dealer_first_response_channel, "email")
        self.assertEqual(lead.dealer_first_response_minutes, 5)
        self.assertEqual(lead.dealer_first_response_business_minutes, 5)
        self.assertEqual(lead.dealer_sla_state, "answered")
        self.assertFalse(lead.dealer_sla_deadline)
        self.assertEqual((clock.state, clock.missed, clock.next_action_at),
                         ("answered", False, False))

    def test_internal_note_is_not_a_response(self):
        self._post(self.sales_1, message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertFalse(self.lead.dealer_first_response_at)
        self.assertEqual(self.lead.dealer_sla_clock_ids.state, "running")

    def test_odoobot_message_is_not_a_response(self):
        self._post(self.env.ref("base.user_root"), message_type="comment",
                   subtype_xmlid="mail.mt_comment")
        self.assertFalse(self.lead.dealer_first_response_at)

    def test_text_by_the_salesperson_is_a_response(self):
        with self._frozen(FIVE_MINUTES_LATER), self.mockSMSGateway():
            self.lead.with_user(self.sales_1)._message_sms("Bonjour Chloé, ici Marc.")
            self._run_queues()
        self.assertEqual(self.lead.dealer_first_response_channel, "sms")
        self.assertEqual(self.lead.dealer_first_response_user_id, self.sales_1)

    def test_automatic_acknowledgement_is_not_a_response(self):
        with self._frozen(TUESDAY_10AM), self.mockSMSGateway():
            lead = self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Web inquiry", "contact_name": "Léo Client", "team_id": self.team.id,
                "phone": "+15145559877", "email_from": "leo@example.com"})
            self._run_postcommit()
        self.assertEqual(lead.dealer_ack_state, "sent")
        self.assertTrue(lead.message_ids.filtered(lambda m: m.message_type == "sms"))
        self.assertFalse(lead.dealer_first_response_at)
        self.assertEqual(lead.dealer_sla_clock_ids.state, "running")

    def test_machine_message_sent_for_a_person_is_not_a_response(self):
        with self._frozen(FIVE_MINUTES_LATER), self.mockSMSGateway():
            self.env["dealer.outbound"]._send_sms(
                self.lead, "Rappel: votre essai routier demain", purpose="sales",
                author=self.sales_1)
        self.assertFalse(self.lead.dealer_first_response_at)

    def test_logged_call_is_a_response(self):
        activity = self.lead.activity_schedule("mail.mail_activity_data_call",
                                               user_id=self.sales_1.id)
        with self._frozen(FIVE_MINUTES_LATER):
            activity.with_user(self.sales_1).action_feedback(feedback="Left a voicemail")
        self.assertEqual(self.lead.dealer_first_response_channel, "call")
        self.assertEqual(self.lead.dealer_first_response_user_id, self.sales_1)

    def test_done_todo_is_not_a_response(self):
        activity = self.lead.activity_schedule("mail.mail_activity_data_todo",
                                               user_id=self.sales_1.id)
        with self._frozen(FIVE_MINUTES_LATER):
            activity.with_user(self.sales_1).action_feedback(feedback="Checked stock")
        self.assertFalse(self.lead.dealer_first_response_at)

    def test_video_session_is_a_response(self):
        self.lead._dealer_human_responded("video", self.sales_2, when=FIVE_MINUTES_LATER)
        self.assertEqual(self.lead.dealer_first_response_channel, "video")
        self.assertEqual(self.lead.dealer_first_response_user_id, self.sales_2)

    def test_only_the_first_response_is_stamped(self):
        self.lead._dealer_human_responded("call", self.sales_1, when=FIVE_MINUTES_LATER)
        self.lead._dealer_human_responded("sms", self.sales_2,
                                          when=datetime(2026, 11, 24, 15, 8))
        self.assertEqual(self.lead.dealer_first_response_user_id, self.sales_1)
        self.assertEqual(self.lead.dealer_first_response_channel, "call")

    def test_late_answer_counts_wall_and_business_minutes(self):
        # 16:55 Montreal, answered 08:05 next morning: 910 wall minutes, 10 business minutes
        lead = self._lead_with_clock(datetime(2026, 11, 24, 21, 55), user=self.sales_1)
        lead._dealer_human_responded("sms", self.sales_1, when=datetime(2026, 11, 25, 13, 5))
        self.assertEqual(lead.dealer_first_response_minutes, 910)
        self.assertEqual(lead.dealer_first_response_business_minutes, 10)
        self.assertFalse(lead.dealer_sla_clock_ids.missed)

    def test_customer_message_starts_a_shorter_clock(self):
        self.lead._dealer_human_responded("sms", self.sales_1, when=FIVE_MINUTES_LATER)
        with self._frozen(datetime(2026, 11, 24, 16, 0)):
            self.lead._dealer_customer_engaged("sms")
        clock = self.lead.dealer_sla_clock_ids.filtered(lambda c: c.kind == "message")
        self.assertEqual(clock.deadline, datetime(2026, 11, 24, 16, 5))
        self.assertEqual(self.lead.dealer_sla_deadline, clock.deadline)
        self.assertEqual(self.lead.dealer_sla_state, "on_time")
        self.lead._dealer_human_responded("sms", self.sales_1,
                                          when=datetime(2026, 11, 24, 16, 2))
        self.assertEqual((clock.state, clock.wall_minutes), ("answered", 2))
        self.assertEqual(self.lead.dealer_first_response_at, FIVE_MINUTES_LATER,
                         "the first response stays")

    def test_customer_message_while_waiting_keeps_the_running_clock(self):
        with self._frozen(FIVE_MINUTES_LATER):
            self.lead._dealer_customer_engaged("sms")
        self.assertEqual(len(self.lead.dealer_sla_clock_ids), 1)

    def test_customer_email_reply_starts_a_message_clock(self):
        self.lead._dealer_human_responded("email", self.sales_1, when=FIVE_MINUTES_LATER)
        with self._frozen(datetime(2026, 11, 24, 16, 0)):
            self.lead.message_update({"author_id": False, "email_from": "chloe@example.com"})
        self.assertEqual(self.lead.dealer_sla_clock_ids.filtered(
            lambda c: c.kind == "message").deadline, datetime(2026, 11, 24, 16, 5))

    def test_salesperson_email_reply_does_not_start_a_clock(self):
        self.lead._dealer_human_responded("email", self.sales_1, when=FIVE_MINUTES_LATER)
        self.lead.message_update({"author_id": self.sales_1.partner_id.id})
        self.assertEqual(len(self.lead.dealer_sla_clock_ids), 1)
