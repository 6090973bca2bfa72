from odoo.tests import tagged

from .common_intake import AFTER_HOURS_NOW, OPEN_NOW, DealerIntakeCommon, fixture


@tagged("post_install", "-at_install")
class TestAcknowledgement(DealerIntakeCommon):
    """The customer hears back at once, in their language; the salesperson is alerted."""

    def _receive(self, adf_text, when=OPEN_NOW, **kwargs):
        with self._frozen(when), self.mockSMSGateway(), self.mock_mail_gateway():
            self._process_email(self._adf_email(adf_text, **kwargs))
            lead = self._last_intake().lead_id
            self._run_postcommit()
        return lead

    def _customer_sms(self, lead):
        return self.env["sms.sms"].sudo().search([
            ("number", "=", lead.phone_sanitized), ("dealer_purpose", "=", "ack")])

    def test_quebec_customer_gets_french_sms_with_opt_out(self):
        lead = self._receive(fixture("adf_standard.xml"))
        self.assertEqual(lead.dealer_ack_state, "sent")
        sent = [sms for sms in self._sms if sms["number"] == "+15145550142"]
        self.assertEqual(len(sent), 1, "the acknowledgement left through the SMS provider")
        self.assertIn("Bonjour Geneviève, merci pour votre demande", sent[0]["body"])
        self.assertIn("Répondez ARRÊT pour vous désabonner", sent[0]["body"])

    def test_quebec_customer_gets_french_email(self):
        self._receive(fixture("adf_standard.xml"))
        mail = self.env["mail.mail"].sudo().search([
            ("email_to", "ilike", "genevieve.tremblay@example.ca"), ("dealer_purpose", "=", "ack")])
        self.assertEqual(len(mail), 1)
        self.assertIn("nous avons bien reçu votre demande", mail.subject)
        self.assertIn("Merci pour votre demande", str(mail.body_html))

    def test_after_hours_email_says_the_store_is_closed(self):
        self._receive(fixture("adf_standard.xml"), when=AFTER_HOURS_NOW)
        mail = self.env["mail.mail"].sudo().search([
            ("email_to", "ilike", "genevieve.tremblay@example.ca"), ("dealer_purpose", "=", "ack")])
        self.assertIn("Nous sommes fermés en ce moment", str(mail.body_html))

    def test_english_customer_gets_english_sms(self):
        lead = self._receive(fixture("adf_quirks.xml"))
        body = self._customer_sms(lead).body
        self.assertIn("Hi Bob, thanks for your inquiry", body)
        self.assertIn("Reply STOP to opt out", body)

    def test_after_hours_text_says_when_a_person_answers(self):
        lead = self._receive(fixture("adf_quirks.xml"), when=AFTER_HOURS_NOW)
        self.assertTrue(lead.dealer_after_hours)
        # next opening: Wednesday 08:00 Toronto = 13:00 UTC
        self.assertEqual(str(lead.dealer_reply_by), "2026-11-25 13:00:00")
        self.assertIn("We are closed now", self._customer_sms(lead).body)
        self.assertIn("Wednesday, November 25 at 8 AM", self._customer_sms(lead).body)

    def test_after_hours_french_text(self):
        lead = self._receive(fixture("adf_standard.xml"), when=AFTER_HOURS_NOW)
        self.assertIn("mercredi 25 novembre à 8 h.", self._customer_sms(lead).body)

    def test_reply_by_comes_from_the_sla_policy_when_there_is_one(self):
        reply_by = AFTER_HOURS_NOW.replace(hour=23, minute=59)
        Lead = self.env.registry["crm.lead"]
        original = Lead._dealer_sla_reply_by
        Lead._dealer_sla_reply_by = lambda self: reply_by
        try:
            lead = self._receive(fixture("adf_quirks.xml"), when=AFTER_HOURS_NOW)
        finally:
            Lead._dealer_sla_reply_by = original
        self.assertEqual(lead.dealer_reply_by, reply_by)

    def test_no_sms_leaves_for_a_blacklisted_number(self):
        self.env["phone.blacklist"].sudo().add("+15145550142")
        lead = self._receive(fixture("adf_standard.xml"))
        self.assertFalse(self._customer_sms(lead), "no SMS is even queued")
        self.assertFalse([sms for sms in self._sms if sms["number"] == "+15145550142"])
        self.assertIn("opted out", lead.dealer_ack_note)

    def test_no_email_for_a_blacklisted_address(self):
        self.env["mail.blacklist"].sudo()._add("genevieve.tremblay@example.ca")
        self._receive(fixture("adf_standard.xml"))
        self.assertFalse(self.env["mail.mail"].sudo().search([
            ("email_to", "ilike", "genevieve.tremblay@example.ca")]))

    def test_duplicate_inquiry_does_not_send_second_ack(self):
        lead = self._receive(fixture("adf_standard.xml"))
        second = fixture("adf_standard.xml").replace("AT-100234", "AT-100999")
        again = self._receive(second, subject="Again")
        self.assertEqual(again, lead)
        self.assertEqual(len(self._customer_sms(lead)), 1)

    def test_salesperson_alerted_by_sms_and_odoo_notification(self):
        lead = self._receive(fixture("adf_standard.xml"))
        mobile = lead.user_id.dealer_alert_mobile
        alert = self.env["sms.sms"].sudo().search([
            ("number", "=", mobile), ("dealer_purpose", "=", "staff")])
        self.assertEqual(len(alert), 1)
        self.assertIn("Geneviève Tremblay", alert.body)
        self.assertIn("2023 Toyota RAV4", alert.body)
        self.assertIn(f"/odoo/crm/{lead.id}", alert.body)
        notified = self.env["mail.message"].search([
            ("model", "=", "crm.lead"), ("res_id", "=", lead.id),
            ("partner_ids", "in", lead.user_id.partner_id.ids)])
        self.assertTrue(notified)

    def test_alert_is_written_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        (self.sales_1 | self.sales_2).write({"lang": "fr_CA"})
        lead = self._receive(fixture("adf_standard.xml"))
        alert = self.env["sms.sms"].sudo().search([
            ("number", "=", lead.user_id.dealer_alert_mobile), ("dealer_purpose", "=", "staff")])
        self.assertTrue(alert.body.startswith(
            f"#{lead._dealer_code()} Nouvelle piste : Geneviève Tremblay"), alert.body)

    def test_duplicate_alerts_the_salesperson_again(self):
        lead = self._receive(fixture("adf_standard.xml"))
        self._receive(fixture("adf_standard.xml").replace("AT-100234", "AT-7"), subject="Dup")
        alerts = self.env["sms.sms"].sudo().search([
            ("number", "=", lead.user_id.dealer_alert_mobile), ("dealer_purpose", "=", "staff")])
        self.assertEqual(len(alerts), 2)
        self.assertIn("Repeat inquiry", alerts.sorted("id")[-1].body)

    def test_manual_lead_is_routed_and_acknowledged(self):
        with self._frozen(OPEN_NOW), self.mockSMSGateway():
            lead = self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Walk-in", "contact_name": "Luc Bédard", "phone": "819 555 0177",
                "team_id": self.team.id, "user_id": False})
            self._run_postcommit()
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2)
        self.assertEqual(lead.dealer_intake_ids.channel, "manual")
        self.assertTrue([sms for sms in self._sms if sms["number"] == "+18195550177"])

    def test_pending_acknowledgement_is_caught_by_the_cron(self):
        with self._frozen(OPEN_NOW):
            self._process_email(self._adf_email(fixture("adf_standard.xml")))
            lead = self._last_intake().lead_id
            self.env.cr.postcommit.clear()  # the process died between commit and callback
        self.assertEqual(lead.dealer_ack_state, "pending")
        with self._frozen(OPEN_NOW.replace(minute=5)), self._no_commit_progress(), \
                self.mockSMSGateway():
            self.env["crm.lead"]._cron_dealer_send_pending_acks()
            self._run_queues()
        self.assertEqual(lead.dealer_ack_state, "sent")
        self.assertEqual(len(self._customer_sms(lead)), 1)

    def test_copy_of_a_lead_is_not_acknowledged(self):
        lead = self._receive(fixture("adf_standard.xml"))
        with self._frozen(OPEN_NOW), self.mockSMSGateway():
            copy = lead.copy()
            self._run_postcommit()
        self.assertFalse(copy.dealer_ack_state)
        self.assertFalse(self._sms)

    def test_sms_is_sent_only_after_commit(self):
        with self._frozen(OPEN_NOW), self.mockSMSGateway():
            self._process_email(self._adf_email(fixture("adf_standard.xml")))
            self.assertFalse(self._sms, "nothing leaves before the lead is committed")
            self._run_postcommit()
            self.assertTrue(self._sms)
