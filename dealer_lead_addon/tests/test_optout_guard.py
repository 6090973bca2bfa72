from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend

from .common_intake import DealerIntakeCommon

OPTED_OUT = "+15145550177"
SUBSCRIBED = "+15145550188"


@tagged("post_install", "-at_install")
class TestOptOutGuard(DealerIntakeCommon):
    """The opt-out check sits where texts and e-mails finally leave: every path tries and fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["phone.blacklist"].sudo().add(OPTED_OUT)
        cls.env["mail.blacklist"].sudo()._add("optout@example.ca")
        # a text created outside the addon is a sales text: it needs a consent to leave
        cls.env["dealer.consent"]._dealer_record("express", ["sales"], phone=SUBSCRIBED,
                                                 source="test")
        cls.lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Guard", "phone": OPTED_OUT, "email_from": "optout@example.ca"})

    def _numbers_sent(self):
        return [sms["number"] for sms in self._sms]

    def test_a_text_created_directly_is_canceled_for_an_opted_out_number(self):
        sms = self.env["sms.sms"].sudo().create([{"number": OPTED_OUT, "body": "Promo"},
                                                 {"number": SUBSCRIBED, "body": "Promo"}])
        with self.mockSMSGateway():
            sms.send()
            self._run_queues()
        self.assertEqual(self._numbers_sent(), [SUBSCRIBED])
        blocked = sms.filtered(lambda s: s.number == OPTED_OUT)
        self.assertEqual((blocked.state, blocked.failure_type), ("canceled", "sms_blacklist"))

    def test_odoo_message_sms_cannot_text_an_opted_out_number(self):
        with self.mockSMSGateway():
            self.lead._message_sms("Hello from Odoo", sms_numbers=[OPTED_OUT])
        self.assertNotIn(OPTED_OUT, self._numbers_sent())

    def test_dealer_outbound_cannot_text_an_opted_out_number(self):
        with self.mockSMSGateway():
            self.env["dealer.outbound"]._send_sms(
                self.lead, "Alert", purpose="staff", number=OPTED_OUT)
            self._run_postcommit()
        self.assertNotIn(OPTED_OUT, self._numbers_sent())

    def test_an_email_of_the_addon_is_canceled_for_an_opted_out_address(self):
        mail = self.env["mail.mail"].sudo().with_context(
            dealer_send=DealerSend("marketing")).create({
                "email_to": "Opt Out <optout@example.ca>", "subject": "Promo",
                "body_html": "<p/>"})
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual((mail.state, mail.failure_type), ("cancel", "mail_bl"))
        self.assertNotSentEmail()

    def test_an_email_of_the_addon_to_a_subscribed_address_leaves(self):
        self.env["dealer.consent"]._dealer_record(
            "express", ["sales"], email="client@example.ca", source="test")
        mail = self.env["mail.mail"].sudo().with_context(dealer_send=DealerSend("sales")).create({
            "email_to": "client@example.ca", "subject": "Suivi", "body_html": "<p/>"})
        with self.mock_mail_gateway():
            mail.send()
        self.assertSentEmail(mail.env.user.partner_id, ["client@example.ca"])
