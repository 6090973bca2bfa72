from odoo.tests import tagged

from .common_intake import OPEN_NOW, DealerIntakeCommon, fixture

# what Odoo's light layout shows and a customer of the dealership must not see
ODOO_LAYOUT_MARKS = ("Powered by", "odoo.com", "Your Lead", "Votre Piste", "Votre piste",
                     "www.example.com")


@tagged("post_install", "-at_install")
class TestCustomerMailLayout(DealerIntakeCommon):
    """Customer e-mails carry the dealership's name, address and phone, in the customer's
    language, and nothing of Odoo or of the lead's internal record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_CA")
        cls.env.company.write({
            "street": "3000 boulevard Le Carrefour", "city": "Laval", "zip": "H7T 2K9",
            "state_id": cls.env.ref("base.state_ca_qc").id, "phone": "+1 450-555-0100",
            "email": "ventes@autolaval.example", "website": False,
        })

    def _ack_mail(self, adf_name, email):
        with self._frozen(OPEN_NOW), self.mockSMSGateway(), self.mock_mail_gateway():
            self._process_email(self._adf_email(fixture(adf_name)))
            lead = self._last_intake().lead_id
            self._run_postcommit()
        mail = self.env["mail.mail"].sudo().search([
            ("email_to", "ilike", email), ("dealer_purpose", "=", "ack")])
        self.assertEqual(len(mail), 1)
        return lead, str(mail.body_html)

    def test_french_acknowledgement_shows_the_dealer_name_address_and_phone(self):
        _lead, body = self._ack_mail("adf_standard.xml", "genevieve.tremblay@example.ca")
        self.assertIn("o_dealer_mail_footer", body)
        for part in ("Auto Laval", "3000 boulevard Le Carrefour", "Laval", "H7T 2K9",
                     "+1 450-555-0100", "ventes@autolaval.example"):
            self.assertIn(part, body)

    def test_french_acknowledgement_has_nothing_of_odoo_layout(self):
        _lead, body = self._ack_mail("adf_standard.xml", "genevieve.tremblay@example.ca")
        for mark in ODOO_LAYOUT_MARKS:
            self.assertNotIn(mark, body)

    def test_french_acknowledgement_has_no_internal_lead_title(self):
        lead, body = self._ack_mail("adf_standard.xml", "genevieve.tremblay@example.ca")
        self.assertTrue(lead.name)
        self.assertNotIn(lead.name, body)

    def test_french_acknowledgement_layout_is_french(self):
        _lead, body = self._ack_mail("adf_standard.xml", "genevieve.tremblay@example.ca")
        self.assertIn('lang="fr-CA"', body)
        self.assertIn("Merci pour votre demande", body)

    def test_english_acknowledgement_uses_the_same_layout_in_english(self):
        self.sales_1.lang = self.sales_2.lang = "fr_CA"  # a French salesperson sends it
        lead, body = self._ack_mail("adf_quirks.xml", "bob@smith-sons.example.com")
        self.assertEqual(lead.lang_id.code, "en_US")
        self.assertIn('lang="en-US"', body)
        self.assertIn("o_dealer_mail_footer", body)
        for mark in ODOO_LAYOUT_MARKS:
            self.assertNotIn(mark, body)

    def test_default_logo_is_replaced_by_the_dealer_name(self):
        self.assertTrue(self.env.company.uses_default_logo)
        _lead, body = self._ack_mail("adf_standard.xml", "genevieve.tremblay@example.ca")
        self.assertNotIn("/logo.png", body)
        self.assertIn("o_dealer_mail_header", body)
