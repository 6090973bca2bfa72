from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_texting import CUSTOMER, DealerTextingCommon

T0 = datetime(2026, 11, 24, 15, 0)  # Tuesday 10:00 in Montreal: no quiet hours
PATH = "/dealer_lead/sms/inbound"


@tagged("post_install", "-at_install")
class TestSmsSandbox(DealerTextingCommon, HttpCase):
    """With the sandbox as SMS provider, texts stay in Odoo and a manager answers as the
    customer through the real, signed inbound webhook."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.sudo().dealer_sms_webhook_url = False
        cls.Sandbox = cls.env["dealer.sms.sandbox.message"]
        cls.manager = new_test_user(
            cls.env, login="sandbox_manager", name="Isabelle Gérante",
            groups="dealer_lead_addon.group_dealer_lead_manager")

    def setUp(self):
        super().setUp()
        self.env.company.sudo().sms_provider = "iap"  # no real provider configured
        self.Sandbox._dealer_enable_sandbox(self.env.company, base_url=self.base_url())

    def _queue_text(self, body, purpose="service"):
        with self._frozen(T0):
            self.env["dealer.outbound"]._send_sms(
                self.customer_lead, body, purpose=purpose, number=CUSTOMER)
            self._run_queues()

    def _phone(self, number=CUSTOMER):
        return self.Sandbox.sudo().search([("number", "=", number)], order="id")

    def _answer(self, body, tamper=None):
        """The sandbox page's answer, a minute later: signed by the server, posted to the
        webhook."""
        signed = self.Sandbox.with_user(self.manager).dealer_sandbox_sign_reply(CUSTOMER, body)
        params = dict(signed["params"], **(tamper or {}))
        with self._frozen(T0 + timedelta(minutes=1)):
            response = self.url_open(signed["url"], data=params,
                                     headers={"X-Twilio-Signature": signed["signature"]})
            self.env.invalidate_all()
            self._run_queues()
        return response

    def test_a_company_on_twilio_keeps_twilio(self):
        company = self.env.company.sudo()
        company.sms_provider = "twilio"
        self.assertFalse(self.Sandbox._dealer_enable_sandbox(company))
        self.assertEqual(company.sms_provider, "twilio")

    def test_enabling_creates_the_signing_secret_and_webhook_url(self):
        company = self.env.company.sudo()
        self.assertEqual(company.sms_provider, "dealer_sandbox")
        self.assertTrue(company.sms_twilio_auth_token)
        self.assertEqual(company.dealer_sms_webhook_url, self.base_url() + PATH)

    def test_text_goes_to_the_sandbox_and_never_to_a_provider(self):
        self._queue_text("Votre essai routier est confirmé.")
        self.assertEqual(self._phone().mapped("body"), ["Votre essai routier est confirmé."])
        self.assertEqual(self.twilio_requests, [], "no text may reach Twilio nor IAP")
        sms = self._texts_to(CUSTOMER)
        self.assertEqual(sms.mapped("state"), ["sent"], "delivered, to the sandbox")
        self.assertEqual(self._phone().state, "delivered")

    def test_answer_enters_through_the_signed_webhook(self):
        response = self._answer("Oui, samedi 10 h me convient.")
        self.assertEqual(response.status_code, 200)
        inbound = self.env["dealer.sms.inbound"].sudo().search([("from_number", "=", CUSTOMER)])
        self.assertEqual(inbound.body, "Oui, samedi 10 h me convient.")
        self.assertEqual(inbound.lead_id, self.customer_lead)

    def test_tampered_answer_is_refused_by_the_signature_check(self):
        response = self._answer("Oui", tamper={"Body": "Non"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.env["dealer.sms.inbound"].sudo().search_count(
            [("from_number", "=", CUSTOMER)]))

    def test_arret_opts_out_and_later_texts_are_not_delivered(self):
        self._answer("ARRÊT")
        self.assertTrue(self._blacklisted(CUSTOMER))
        confirmations = self._phone()
        self.assertEqual(len(confirmations), 1, "the one confirmation of the opt-out")
        self._queue_text("Nouvelle promotion cette semaine!", purpose="sales")
        self.assertEqual(self._phone(), confirmations, "nothing reaches an opted-out phone")
        self.assertEqual(self._texts_to(CUSTOMER)[-1:].failure_type, "sms_blacklist")

    def test_help_is_answered_on_the_sandbox_phone(self):
        self._answer("AIDE")
        self.assertEqual(len(self._phone()), 1)
        self.assertIn(self.env.company.phone.replace("+1 ", "")[:3], self._phone().body)

    def test_conversation_shows_both_sides_in_order(self):
        self._queue_text("Bonjour Sophie, le RAV4 est disponible.")
        self._answer("Super, merci!")
        threads = self.Sandbox.with_user(self.manager).dealer_sandbox_conversations()
        [thread] = [t for t in threads if t["number"] == CUSTOMER]
        self.assertEqual(thread["name"], "Sophie Tremblay")
        self.assertEqual([(m["direction"], m["body"]) for m in thread["messages"]], [
            ("received", "Bonjour Sophie, le RAV4 est disponible."),
            ("sent", "Super, merci!"),
        ])

    def test_salesperson_cannot_use_the_sandbox(self):
        with self.assertRaises(AccessError):
            self.Sandbox.with_user(self.sales_1).dealer_sandbox_sign_reply(CUSTOMER, "Oui")

    def test_no_answer_can_be_signed_when_a_real_provider_is_configured(self):
        self.env.company.sudo().sms_provider = "twilio"
        with self.assertRaises(UserError):
            self.Sandbox.with_user(self.manager).dealer_sandbox_sign_reply(CUSTOMER, "Oui")

    def test_sandbox_page_answers_as_the_customer(self):
        self.env["dealer.outbound"]._send_sms(
            self.customer_lead, "Votre essai routier est confirmé.", purpose="service",
            number=CUSTOMER, urgent=True)
        self._run_queues()
        self.manager.password = "sandbox_manager"
        self.start_tour("/odoo", "dealer_sms_sandbox_tour", login="sandbox_manager")
        inbound = self.env["dealer.sms.inbound"].sudo().search([("from_number", "=", CUSTOMER)])
        self.assertEqual(inbound.body, "Parfait, à samedi!")
