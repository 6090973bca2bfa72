from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo.tests import HttpCase, tagged

from .common_texting import DealerTextingCommon

EMAIL = "sophie.tremblay@example.ca"


@tagged("post_install", "-at_install")
class TestUnsubscribeLink(DealerTextingCommon, HttpCase):
    """The addon's commercial e-mails end with a signed unsubscribe link that works at once."""

    def setUp(self):
        super().setUp()
        self.customer_lead.email_from = EMAIL
        self.Consent = self.env["dealer.consent"]

    def _link(self, lang="fr"):
        url = urlsplit(self.Consent._dealer_unsubscribe_url(EMAIL, lang))
        return url.path, {key: values[0] for key, values in parse_qs(url.query).items()}

    def _blacklisted_email(self):
        return bool(self.env["mail.blacklist"].sudo().search([("email", "=", EMAIL)]))

    def test_sales_email_ends_with_the_unsubscribe_link_in_the_customers_language(self):
        template = self.env["mail.template"].create({
            "name": "Suivi", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "subject": "Suivi", "email_to": "{{ object.email_from }}",
            "body_html": "<p>Toujours intéressée?</p>"})
        mail = self.env["dealer.outbound"]._send_mail(self.customer_lead, template,
                                                      purpose="sales")
        self.assertIn("/dealer_lead/unsubscribe?", mail.body_html)
        self.assertIn("Se désabonner", mail.body_html)

    def test_acknowledgement_email_has_no_unsubscribe_footer(self):
        template = self.env.ref("dealer_lead_addon.mail_template_ack_fr")
        mail = self.env["dealer.outbound"]._send_mail(self.customer_lead, template,
                                                      purpose="ack")
        self.assertNotIn("/dealer_lead/unsubscribe?", mail.body_html)

    def test_opening_the_link_asks_and_changes_nothing(self):
        path, params = self._link()
        response = self.url_open(f"{path}?{urlencode(params)}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Me désabonner", response.text)
        self.assertFalse(self._blacklisted_email())

    def test_confirming_opts_the_address_out_at_once(self):
        path, params = self._link()
        response = self.url_open(path, data=params)
        self.assertEqual(response.status_code, 200)
        self.assertIn("ne recevra plus de courriels", response.text)
        self.assertTrue(self._blacklisted_email())
        self.assertNotIn(EMAIL, self.Consent._dealer_valid_contacts("sales", emails=[EMAIL]))

    def test_confirming_stops_the_leads_follow_up(self):
        enrollment = self.env["dealer.sequence.enrollment"].create({
            "lead_id": self.customer_lead.id,
            "sequence_id": self.env["dealer.sequence"].create({"name": "Suivi"}).id})
        path, params = self._link()
        self.url_open(path, data=params)
        self.assertEqual(enrollment.stop_reason, "opted_out")

    def test_forged_link_is_refused_and_changes_nothing(self):
        path, params = self._link()
        response = self.url_open(path, data={**params, "email": "someone.else@example.ca"})
        self.assertEqual(response.status_code, 403)
        self.assertIn("pas valide", response.text)
        self.assertFalse(self.env["mail.blacklist"].sudo().search(
            [("email", "=", "someone.else@example.ca")]))

    def test_expired_link_is_refused_with_the_reason(self):
        with self._frozen(datetime(2026, 1, 1)):
            path, params = self._link(lang="en")
        response = self.url_open(path, data=params)
        self.assertEqual(response.status_code, 403)
        self.assertIn("expired", response.text)
        self.assertFalse(self._blacklisted_email())

    def test_link_still_works_sixty_days_later(self):
        with self._frozen(datetime(2026, 9, 1)):
            _path, params = self._link()
        with self._frozen(datetime(2026, 10, 31)):
            self.assertIsNone(self.Consent._dealer_unsubscribe_refusal(
                params["email"], params["expires"], params["token"]))
