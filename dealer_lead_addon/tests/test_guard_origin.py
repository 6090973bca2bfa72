from datetime import datetime

from odoo.tests import tagged
from odoo.tools import email_normalize_all

from .common_texting import CUSTOMER, DealerTextingCommon

# Monday 22:30 in Montreal
NIGHT = datetime(2026, 11, 24, 3, 30)
CUSTOMER_EMAIL = "sophie@example.ca"


@tagged("post_install", "-at_install")
class TestGuardTextOrigin(DealerTextingCommon):
    """Texts no code of the addon created get their purpose from where they come from, and
    meet the same consent and quiet-hour rules: Odoo's composer and chatter texts are sales
    texts, mass texts and mass mailings are marketing, a text to a user's own phone is
    staff."""

    def _consent(self, purpose):
        self.env["dealer.consent"]._dealer_record("express", [purpose], phone=CUSTOMER,
                                                  source="test", at=datetime(2026, 1, 1))

    def _composer(self, mode="comment"):
        lead = self.customer_lead
        return self.env["sms.composer"].with_context(
            default_res_model="crm.lead", default_res_id=lead.id,
            default_res_ids=repr(lead.ids)).create({
                "composition_mode": mode, "body": "Toujours intéressée?",
                "mass_keep_log": True, "mass_force_send": True})

    def test_composer_text_without_consent_is_canceled(self):
        self._composer().action_send_sms()
        self._run_queues()
        text = self._texts_to(CUSTOMER)
        self.assertEqual((text.dealer_purpose, text.failure_type),
                         ("sales", "dealer_no_consent"))
        self.assertEqual(self._sent_numbers(), [])

    def test_composer_text_with_consent_leaves(self):
        self._consent("sales")
        self._composer().action_send_sms()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_chatter_text_waits_for_the_end_of_quiet_hours(self):
        self._consent("sales")
        self.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})
        with self._frozen(NIGHT):
            self.customer_lead._message_sms("Bonsoir", sms_numbers=[CUSTOMER],
                                            put_in_queue=False)
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(self._texts_to(CUSTOMER).state, "outgoing", "held, not dropped")

    def test_mass_text_is_marketing(self):
        self._consent("sales")
        self._composer(mode="mass")._action_send_sms()
        self._run_queues()
        text = self._texts_to(CUSTOMER)
        self.assertEqual((text.dealer_purpose, text.failure_type),
                         ("marketing", "dealer_no_consent"))
        self.assertEqual(self._sent_numbers(), [])

    def _appointment(self):
        return self.env["calendar.event"].create({
            "name": "Essai routier", "start": datetime(2026, 11, 25, 14, 0),
            "stop": datetime(2026, 11, 25, 15, 0)})

    def test_text_about_another_apps_document_is_transactional_and_needs_no_consent(self):
        self._appointment()._message_sms("Rappel : essai routier demain à 9 h",
                                         sms_numbers=[CUSTOMER], put_in_queue=False)
        self.assertEqual(self._texts_to(CUSTOMER).dealer_purpose, "transactional")
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_transactional_text_still_honours_stop(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        self._appointment()._message_sms("Rappel : essai routier demain à 9 h",
                                         sms_numbers=[CUSTOMER], put_in_queue=False)
        self._run_queues()
        self.assertEqual(self._texts_to(CUSTOMER).failure_type, "sms_blacklist")
        self.assertEqual(self._sent_numbers(), [])

    def test_mass_mailing_text_is_marketing(self):
        # mass_mailing_sms is not a dependency: its texts carry the mailing's id
        self.assertEqual(self.env["sms.sms"]._dealer_default_purpose(
            {"number": CUSTOMER, "mailing_id": 1}), "marketing")

    def test_text_to_a_users_own_alert_mobile_is_staff(self):
        text = self.env["sms.sms"].sudo().create({
            "number": "514 555 0101", "body": "x", "partner_id": self.sales_1.partner_id.id})
        self.assertEqual(text.dealer_purpose, "staff")

    def test_text_to_a_customer_number_is_sales_whoever_the_partner(self):
        text = self.env["sms.sms"].sudo().create({
            "number": CUSTOMER, "body": "x", "partner_id": self.sales_1.partner_id.id})
        self.assertEqual(text.dealer_purpose, "sales")


@tagged("post_install", "-at_install")
class TestGuardMailOrigin(DealerTextingCommon):
    """Every e-mail to a customer meets the opt-out list and, for sales and marketing, the
    consent ledger; mails to our own users and account mails are not stopped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({
            "name": "Sophie Tremblay", "email": CUSTOMER_EMAIL})
        cls.customer_lead.partner_id = cls.customer

    def _mails_to(self, partner):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)])

    def test_chatter_message_to_a_customer_without_consent_is_canceled(self):
        with self.mock_mail_gateway():
            self.customer_lead.message_post(body="Toujours intéressée?",
                                            partner_ids=self.customer.ids,
                                            message_type="comment",
                                            subtype_xmlid="mail.mt_comment")
            self._run_queues()
        mail = self._mails_to(self.customer)
        self.assertEqual((mail.state, mail.failure_type), ("cancel", "mail_bl"))
        self.assertNotSentEmail(self.customer)

    def test_chatter_message_to_a_customer_with_consent_leaves(self):
        self.env["dealer.consent"]._dealer_record("express", ["sales"], email=CUSTOMER_EMAIL,
                                                  source="test")
        with self.mock_mail_gateway():
            self.customer_lead.message_post(body="Toujours intéressée?",
                                            partner_ids=self.customer.ids,
                                            message_type="comment",
                                            subtype_xmlid="mail.mt_comment")
            self._run_queues()
        self.assertSentEmail(self.env.user.partner_id, [self.customer])

    def test_email_composer_to_an_opted_out_customer_is_canceled(self):
        self.env["dealer.consent"]._dealer_record("express", ["sales"], email=CUSTOMER_EMAIL,
                                                  source="test")
        self.env["mail.blacklist"].sudo()._add(CUSTOMER_EMAIL)
        composer = self.env["mail.compose.message"].with_context(
            default_model="crm.lead", default_res_ids=self.customer_lead.ids,
            default_composition_mode="comment").create({
                "body": "<p>Une offre</p>", "subject": "Offre",
                "partner_ids": self.customer.ids})
        with self.mock_mail_gateway():
            composer._action_send_mail()
            self._run_queues()
        self.assertEqual(self._mails_to(self.customer).state, "cancel")
        self.assertNotSentEmail(self.customer)

    def test_email_about_another_apps_document_needs_no_consent(self):
        event = self.env["calendar.event"].create({
            "name": "Essai routier", "start": datetime(2026, 11, 25, 14, 0),
            "stop": datetime(2026, 11, 25, 15, 0)})
        with self.mock_mail_gateway():
            event.message_post(body="Votre rendez-vous est confirmé.",
                               partner_ids=self.customer.ids, message_type="comment",
                               subtype_xmlid="mail.mt_comment")
            self._run_queues()
        self.assertSentEmail(self.env.user.partner_id, [self.customer])

    def test_notification_to_our_own_user_is_not_stopped(self):
        self.env["mail.blacklist"].sudo()._add(self.sales_1.email)
        mail = self.env["mail.mail"].sudo().create({
            "recipient_ids": [(4, self.sales_1.partner_id.id)], "subject": "Nouveau lead",
            "body_html": "<p>x</p>"})
        with self.mock_mail_gateway():
            mail.send()
            self._run_queues()
        self.assertSentEmail(self.env.user.partner_id, [self.sales_1.partner_id])

    def test_password_reset_reaches_an_opted_out_customer(self):
        portal = self.env["res.users"].create({
            "name": "Sophie Portail", "login": "sophie.portal", "email": "portal@example.ca",
            "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])]})
        self.env["mail.blacklist"].sudo()._add("portal@example.ca")
        with self.mock_mail_gateway():
            portal.action_reset_password()
        self.assertIn("portal@example.ca", [
            address for mail in self._mails for address in email_normalize_all(
                ",".join(mail["email_to"]))])
