from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_texting import STRANGER, DealerTextingCommon


@tagged("post_install", "-at_install")
class TestInboundText(DealerTextingCommon):
    """Where a customer's text goes, and what it starts."""

    def test_text_from_a_known_number_is_the_customers_message_on_the_lead(self):
        inbound = self._receive("Est-ce que je peux l'essayer samedi?")
        message = inbound.posted_message_id
        self.assertEqual((inbound.state, inbound.lead_id), ("posted", self.customer_lead))
        self.assertEqual(message.model, "crm.lead")
        self.assertEqual(message.res_id, self.customer_lead.id)
        self.assertEqual(message.message_type, "sms")
        self.assertNotIn(message.author_id, self.env["res.users"].search([]).partner_id)

    def test_text_notifies_the_assigned_salesperson(self):
        inbound = self._receive("Bonjour Marc")
        self.assertIn(self.sales_1.partner_id, inbound.posted_message_id.partner_ids)

    def test_text_on_an_unassigned_lead_notifies_the_team_leader(self):
        self.customer_lead.user_id = False
        inbound = self._receive("Quelqu'un peut me répondre?")
        self.assertIn(self.team.user_id.partner_id, inbound.posted_message_id.partner_ids)

    def test_text_alerts_the_salesperson_on_their_mobile(self):
        self._receive("Avez-vous reçu mon échange?")
        alert = self._texts_to("+15145550101")
        self.assertEqual(len(alert), 1)
        self.assertIn("Sophie Tremblay", alert.body)
        self.assertEqual(alert.dealer_purpose, "staff")

    def test_text_counts_as_the_customer_engaging(self):
        self.env["dealer.sla.policy"].create({
            "name": "Texts", "team_id": self.team.id, "first_response_minutes": 10,
            "message_response_minutes": 5, "prewarn_minutes": 3, "escalation_minutes": 10})
        self.customer_lead.dealer_first_response_at = "2026-11-20 15:00:00"
        with self._frozen(OPEN_NOW):
            self._receive("Et pour le financement?")
        clock = self.customer_lead.dealer_sla_clock_ids
        self.assertEqual((clock.kind, clock.state), ("message", "running"))

    def test_media_links_are_kept(self):
        url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM1/Media/ME1"
        inbound = self._receive("Voici une photo de mon échange", NumMedia="1",
                                MediaUrl0=url, MediaContentType0="image/jpeg")
        self.assertEqual(inbound.media_urls, url)
        self.assertIn(url, inbound.posted_message_id.body)

    def test_raw_request_is_kept_as_received(self):
        inbound = self._receive("Bonjour")
        self.assertEqual(inbound.raw_params["FromCity"], "MONTREAL")
        self.assertEqual(inbound.raw_params["Body"], "Bonjour")

    def test_text_from_a_known_contact_without_lead_goes_on_the_contact(self):
        partner = self.env["res.partner"].create({"name": "Luc Client", "phone": STRANGER,
                                                  "user_id": self.sales_2.id})
        inbound = self._receive("Mon auto est prête?", sender=STRANGER)
        self.assertEqual((inbound.state, inbound.partner_id), ("posted", partner))
        self.assertEqual(inbound.posted_message_id.res_id, partner.id)
        self.assertEqual(inbound.posted_message_id.author_id, partner)

    def test_text_from_an_unknown_number_becomes_a_lead_through_intake(self):
        with self._frozen(OPEN_NOW):
            inbound = self._receive("Hi, is the 2024 Civic still available?", sender=STRANGER)
        lead = inbound.lead_id
        self.assertEqual(inbound.state, "lead")
        self.assertEqual((inbound.intake_id.channel, inbound.intake_id.state), ("sms", "created"))
        self.assertEqual(lead.phone_sanitized, STRANGER)
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2, "routed to a salesperson on shift")
        self.assertIn("2024 Civic", lead.description)

    def test_new_lead_from_a_text_is_acknowledged_like_any_inquiry(self):
        with self._frozen(OPEN_NOW):
            inbound = self._receive("Hi, is the 2024 Civic still available?", sender=STRANGER)
            self.assertEqual(inbound.lead_id.dealer_ack_state, "pending")
            self._run_postcommit()
        self.assertEqual(inbound.lead_id.dealer_ack_state, "sent")

    def test_unknown_toronto_number_is_answered_in_english(self):
        inbound = self._receive("Hi, is the 2024 Civic still available?", sender=STRANGER)
        self.assertEqual(inbound.lead_id.lang_id.code, "en_US")

    def test_salesperson_replying_to_an_alert_opens_no_lead(self):
        inbound = self._receive("ok je la rappelle", sender="+1 (514) 555-0101")
        self.assertEqual(inbound.state, "staff")
        self.assertFalse(self.env["crm.lead"].search([("phone_sanitized", "=", "+15145550101")]))

    def test_same_message_sid_twice_posts_once(self):
        first = self._receive("Bonjour", sid="SMduplicate0000000000000000000000")
        count = len(self.customer_lead.message_ids)
        second = self._receive("Bonjour", sid="SMduplicate0000000000000000000000")
        self.assertEqual(first, second)
        self.assertEqual(len(self.customer_lead.message_ids), count)

    def test_a_failure_quarantines_the_text_instead_of_losing_it(self):
        self.customer_lead.user_id.dealer_alert_mobile = False
        inbound = self._receive("Bonjour")
        inbound.write({"state": "quarantined"})
        self.assertEqual(inbound.action_retry(), True)
        self.assertNotEqual(inbound.state, "quarantined")

    def test_customer_reply_stops_the_follow_up_sequence(self):
        enrollment = self.env["dealer.sequence.enrollment"].create({
            "lead_id": self.customer_lead.id,
            "sequence_id": self.env["dealer.sequence"].create({"name": "Suivi"}).id})
        self._receive("Oui, je suis intéressée")
        self.assertEqual((enrollment.state, enrollment.stop_reason), ("stopped", "replied"))

    def test_text_to_our_number_from_the_same_customer_twice_opens_no_second_lead(self):
        self._receive("Question 1", sender=STRANGER)
        self._receive("Question 2", sender=STRANGER)
        self.assertEqual(
            self.env["crm.lead"].search_count([("phone_sanitized", "=", STRANGER)]), 1)
