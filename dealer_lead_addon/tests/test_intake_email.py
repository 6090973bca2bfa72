from datetime import datetime

from odoo.tests import tagged

from .common_intake import OPEN_NOW, DealerIntakeCommon, fixture


@tagged("post_install", "-at_install")
class TestIntakeEmail(DealerIntakeCommon):
    """ADF and plain e-mails delivered to the leads alias through ``message_process``."""

    def _lead_from(self, adf_text, **kwargs):
        with self._frozen(OPEN_NOW):
            self._process_email(self._adf_email(adf_text, **kwargs))
        return self._last_intake()

    def test_adf_email_creates_lead_with_structured_fields(self):
        intake = self._lead_from(fixture("adf_standard.xml"))
        lead = intake.lead_id
        self.assertEqual(intake.state, "created")
        self.assertEqual(intake.channel, "email")
        self.assertEqual(lead.contact_name, "Geneviève Tremblay")
        self.assertEqual(lead.email_from, "genevieve.tremblay@example.ca")
        self.assertEqual(lead.phone, "+15145550142")
        self.assertEqual((lead.city, lead.state_id.code, lead.zip), ("Montréal", "QC", "H2X 3K2"))
        self.assertEqual(lead.lang_id.code, "fr_CA")
        self.assertEqual(lead.dealer_provider_lead_id, "AT-100234")
        self.assertEqual(lead.dealer_source_id, self.source)
        self.assertEqual(lead.source_id.name, "AutoTrader.ca")
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertEqual(lead.dealer_request_date, datetime(2026, 11, 24, 15, 2, 11))
        self.assertEqual(lead.dealer_timeframe, "Within 2 weeks")
        self.assertIn("essai samedi", lead.description)
        vehicle = lead.dealer_vehicle_ids
        self.assertEqual((vehicle.year, vehicle.make, vehicle.model, vehicle.condition),
                         (2023, "Toyota", "RAV4", "used"))
        self.assertEqual((vehicle.vin, vehicle.stock_number, vehicle.price, vehicle.odometer),
                         ("2T3P1RFV8PC123456", "U4521", 36995.0, 28500))
        self.assertEqual(lead.dealer_vehicle_summary, "2023 Toyota RAV4 XLE AWD")

    def test_adf_email_keeps_raw_source_and_field_origin(self):
        intake = self._lead_from(fixture("adf_standard.xml"), subject="Raw kept")
        self.assertIn("Subject: Raw kept", intake.raw_payload)
        self.assertIn("AT-100234", intake.raw_payload)
        self.assertEqual(intake.field_origin["phone"], "prospect/customer/contact/phone[1]")
        self.assertEqual(intake.field_origin["provider_lead_id"], "prospect/id")
        self.assertTrue(intake.lead_id.message_ids.filtered(lambda m: "Raw kept" in (
            m.subject or "")), "the e-mail itself is posted on the lead")

    def test_adf_email_is_kept_byte_for_byte(self):
        raw = self._adf_email(fixture("adf_standard.xml"), subject="Octets")
        with self._frozen(OPEN_NOW):
            self._process_email(raw)
        self.assertEqual(self._last_intake().raw_payload, raw)

    def test_adf_email_shows_on_the_lead_as_the_readable_inquiry(self):
        lead = self._lead_from(fixture("adf_standard.xml"), subject="Lisible").lead_id
        posted = lead.message_ids.filtered(lambda m: m.subject == "Lisible")
        self.assertEqual(len(posted), 1)
        self.assertIn("Inquiry received by", str(posted.body))
        self.assertIn("2023 Toyota RAV4", str(posted.body))
        self.assertIn("Routed to", str(posted.body))
        self.assertNotIn("prospect", str(posted.body), "no XML for the salesperson to read")
        self.assertEqual(posted.email_from, "leads@autotrader.example")
        self.assertFalse(lead.message_ids.filtered(
            lambda m: m != posted and "Inquiry received by" in str(m.body)),
            "one message for the inquiry, not the e-mail and a note")

    def test_quarantined_adf_email_keeps_its_own_body_on_the_intake(self):
        intake = self._lead_from(fixture("adf_unreachable.xml"), subject="Tel quel")
        posted = intake.message_ids.filtered(lambda m: m.subject == "Tel quel")
        self.assertIn("prospect", str(posted.body))
        self.assertNotIn("Inquiry received by", str(posted.body))

    def test_acknowledgement_cron_is_woken_once_after_the_commit(self):
        cron = self.env.ref("dealer_lead_addon.ir_cron_dealer_pending_acks")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        with self._frozen(OPEN_NOW):
            self._process_email(self._adf_email(fixture("adf_standard.xml")))
            self._process_email(self._adf_email(fixture("adf_quirks.xml")))
            self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before,
                             "the intake's own transaction writes no wake-up")
            self._run_postcommit()
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertNotEqual(self._last_intake().lead_id.dealer_ack_state, "pending")

    def test_adf_pi_before_declaration_upper_case_tags_bare_ampersand(self):
        lead = self._lead_from(fixture("adf_quirks.xml")).lead_id
        self.assertEqual(lead.contact_name, "Bob Smith")
        self.assertEqual(lead.phone, "+16135550199", "the cell phone is the one to text")
        self.assertEqual(lead.dealer_other_phones, "+16135550100")
        self.assertIn("Bob &amp; Sons", lead.description)
        self.assertEqual(lead.dealer_request_date, datetime(2026, 1, 19, 22, 40))
        self.assertEqual(lead.lang_id.code, "en_US", "Ontario, English text: source default")
        self.assertEqual(lead.dealer_vehicle_ids.make, "Ford")

    def test_unknown_tags_are_kept(self):
        intake = self._lead_from(fixture("adf_quirks.xml"))
        self.assertEqual(intake.extras["customer/favouritecolour"], "Red")

    def test_curly_quotes_several_vehicles_trade_in_and_fax(self):
        lead = self._lead_from(fixture("adf_curly_two_vehicles.xml")).lead_id
        self.assertEqual(len(lead.dealer_vehicle_ids), 2)
        self.assertEqual(lead.dealer_vehicle_summary, "2026 Honda CR-V")
        self.assertEqual(lead.dealer_trade_in_summary, "2016 Mazda 3")
        self.assertEqual(lead.phone, "+14165550123")
        self.assertFalse(lead.dealer_other_phones, "a fax is never kept as a texting number")
        self.assertEqual(lead.dealer_request_date, datetime(2026, 11, 20, 8, 5))

    def test_adf_html_escaped_inside_html_body(self):
        lead = self._lead_from(fixture("adf_standard.xml"), html=True).lead_id
        self.assertEqual(lead.phone, "+15145550142")
        self.assertEqual(lead.dealer_vehicle_ids.model, "RAV4")

    def test_adf_as_attachment(self):
        lead = self._lead_from(fixture("adf_quirks.xml"), as_attachment=True).lead_id
        self.assertEqual(lead.contact_name, "Bob Smith")

    def test_french_comments_make_a_french_lead(self):
        adf_text = fixture("adf_quirks.xml").replace(
            "Bob &amp; Sons Moving wants a quote for the truck", "Bonjour, je voudrais le prix "
            "pour le camion svp").replace("Bob & Sons Moving wants a quote for the truck",
                                          "Bonjour, je voudrais le prix pour le camion svp")
        lead = self._lead_from(adf_text).lead_id
        self.assertEqual(lead.lang_id.code, "fr_CA")

    def test_resend_attaches_to_the_existing_lead(self):
        first = self._lead_from(fixture("adf_standard.xml")).lead_id
        repeat = self._lead_from(fixture("adf_resend.xml"))
        self.assertEqual(repeat.state, "attached")
        self.assertEqual(repeat.lead_id, first)
        self.assertEqual(self.env["crm.lead"].search_count(
            [("dealer_provider_lead_id", "=", "AT-100234")]), 1)
        self.assertEqual(first.dealer_inquiry_count, 1, "a resend is not a new inquiry")

    def test_duplicate_inquiry_by_phone_is_attached_shown_and_counted(self):
        first = self._lead_from(fixture("adf_standard.xml")).lead_id
        again = fixture("adf_standard.xml").replace("AT-100234", "AT-999").replace(
            "genevieve.tremblay@example.ca", "gen@example.ca")
        intake = self._lead_from(again, subject="Second inquiry")
        self.assertEqual(intake.state, "attached")
        self.assertEqual(intake.lead_id, first)
        self.assertEqual(first.dealer_inquiry_count, 2)
        self.assertTrue(first.message_ids.filtered(lambda m: "New inquiry #2" in str(m.body)))
        self.assertTrue(first.message_ids.filtered(lambda m: m.subject == "Second inquiry"),
                        "the duplicate e-mail is shown on the lead's chatter, not hidden")

    def test_plain_email_without_adf_creates_routed_lead(self):
        with self._frozen(OPEN_NOW):
            self._process_email(self._adf_email(
                body="Bonjour, est-ce que le Rogue est disponible?",
                email_from="Marie Côté <marie.cote@example.ca>", subject="Rogue 2024"))
        intake = self._last_intake()
        self.assertEqual(intake.state, "created")
        lead = intake.lead_id
        self.assertEqual(lead.email_normalized, "marie.cote@example.ca")
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2)
        self.assertEqual(lead.lang_id.code, "fr_CA")
        self.assertEqual(lead.dealer_ack_state, "pending", "acknowledged right after commit")

    def test_plain_emails_from_a_provider_are_not_merged_on_its_address(self):
        with self._frozen(OPEN_NOW):
            for subject in ("Lead for Civic", "Lead for Corolla"):
                self._process_email(self._adf_email(
                    body="Customer: Paul, 514-555-0111", subject=subject))
        leads = self.env["dealer.lead.intake"].search([("channel", "=", "email")]).lead_id
        self.assertEqual(len(leads), 2)

    def test_unreachable_customer_is_quarantined_and_managers_alerted(self):
        manager = self.env.ref("base.user_admin")
        intake = self._lead_from(fixture("adf_unreachable.xml"))
        self.assertEqual(intake.state, "quarantined")
        self.assertIn("no way to reach the customer", intake.reason)
        self.assertFalse(intake.lead_id)
        alert = intake.message_ids.filtered(lambda m: manager.partner_id in m.partner_ids)
        self.assertTrue(alert, "managers are notified of the quarantined inquiry")
        self.assertTrue(intake.message_ids.filtered(lambda m: m.subject == "New lead"),
                        "the e-mail itself stays on the quarantined intake")

    def test_xxe_document_is_quarantined_not_expanded(self):
        intake = self._lead_from(fixture("adf_xxe.xml"))
        self.assertEqual(intake.state, "quarantined")
        self.assertIn("entities", intake.reason)
        self.assertNotIn("root:", str(intake.parsed_data))

    def test_billion_laughs_is_quarantined(self):
        intake = self._lead_from(fixture("adf_billion_laughs.xml"))
        self.assertEqual(intake.state, "quarantined")
        self.assertFalse(intake.lead_id)

    def test_broken_xml_is_quarantined_then_retried_once_fixed(self):
        intake = self._lead_from(fixture("adf_broken.xml"))
        self.assertEqual(intake.state, "quarantined")
        self.assertIn("not well-formed", intake.reason)
        intake.payload = intake.payload.replace("<vehicle><make>Tesla</make></prospect>", "")
        with self._frozen(OPEN_NOW):
            intake.action_retry()
        self.assertEqual(intake.state, "created")
        self.assertEqual(intake.lead_id.contact_name, "Broken")
