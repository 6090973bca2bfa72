import re

from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, tagged

from odoo.addons.dealer_lead_addon.tests.common_intake import OPEN_NOW
from odoo.addons.dealer_lead_addon.tests.common_video import (
    SECRET,
    DealerVideoCommon,
    decode_join_token,
)
from odoo.addons.dealer_lead_addon.tools import video_token
from odoo.addons.dealer_lead_addon.tools.video_token import VIDEO_LINK_PLACEHOLDER

SHORT_LINK_RE = r"https?://[\w.:-]+/v/[\w-]{12}(?![\w-])"


@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoSendLink(DealerVideoCommon):
    """"Send video link" on the lead: the customer's own link, by text or e-mail, in their
    language, through the outbound guard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead.email_from = "sophie@example.ca"

    def _wizard(self, leads=None, channel=None):
        action = (leads or self.lead).action_dealer_video_send_link()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        if channel:
            wizard.channel = channel
        return wizard

    def _link_in(self, text):
        [url] = re.findall(SHORT_LINK_RE, text)
        return self._customer_claims(url)

    def test_the_button_opens_the_wizard_on_the_lead_with_text_by_default(self):
        wizard = self._wizard()
        self.assertEqual(wizard.lead_ids, self.lead)
        self.assertEqual(wizard.channel, "sms")
        self.assertEqual(wizard.recipient_summary, "Sophie Tremblay — +15145550199 (English)")

    def test_text_carries_a_customer_link_in_english_for_an_english_customer(self):
        self._wizard().action_send()
        [sms] = self._sms_to("+15145550199")
        self.assertTrue(sms.body.startswith("Auto Laval: Hi Sophie, tap this link"), sms.body)
        claims = self._link_in(sms.body)
        self.assertEqual((claims["role"], claims["lang"]), ("customer", "en"))
        self.assertEqual(claims["room"], self.lead.dealer_video_session_ids.room)
        self.assertEqual(sms.dealer_purpose, "transactional")

    def test_text_is_french_for_a_french_customer(self):
        self.lead.lang_id = self.env["res.lang"]._activate_lang("fr_CA")
        self._wizard().action_send()
        [sms] = self._sms_to("+15145550199")
        self.assertIn("Bonjour Sophie, touchez ce lien pour parler en direct", sms.body)
        self.assertEqual(self._link_in(sms.body)["lang"], "fr")

    def test_email_carries_the_link_in_the_customers_language(self):
        self.lead.lang_id = self.env["res.lang"]._activate_lang("fr_CA")
        self._wizard(channel="email").action_send()
        mail = self.env["mail.mail"].sudo().search([("email_to", "=", "sophie@example.ca")])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Auto Laval : votre lien pour un appel vidéo")
        self.assertIn("Rejoindre l'appel vidéo", mail.body_html)
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, mail.body_html)
        self.assertEqual(self._link_in(mail.body_html)["lang"], "fr")

    def test_a_lead_without_a_phone_defaults_to_email(self):
        self.lead.phone = False
        self.assertEqual(self._wizard().channel, "email")

    def test_an_opted_out_number_is_refused_with_the_reason(self):
        self.env["phone.blacklist"].sudo().add("+15145550199")
        with self.assertRaisesRegex(UserError, "opted out of texts"):
            self._wizard().action_send()
        self.assertFalse(self._sms_to("+15145550199"))

    def test_the_guard_still_cancels_a_link_to_an_opted_out_number(self):
        """Past the wizard (another caller), the guard where texts leave refuses it."""
        self.env["phone.blacklist"].sudo().add("+15145550199")
        with self.mockSMSGateway():
            sms = self.lead._dealer_video_send_link("sms")
            self._run_queues()
        self.assertEqual((sms.state, sms.failure_type), ("canceled", "sms_blacklist"))
        self.assertNotIn("+15145550199", [s["number"] for s in self._sms])

    def test_an_opted_out_address_is_refused(self):
        self.env["mail.blacklist"].sudo()._add("sophie@example.ca")
        with self.assertRaisesRegex(UserError, "opted out of e-mails"):
            self._wizard(channel="email").action_send()

    def test_the_server_action_sends_to_the_selected_leads(self):
        other = self._video_lead(self.sales_1)
        other.phone = "+15145550198"
        action = self.env.ref("dealer_lead_addon.dealer_video_link_send_server_action")
        result = action.with_context(active_model="crm.lead",
                                     active_ids=(self.lead | other).ids).run()
        wizard = self.env[result["res_model"]].with_context(**result["context"]).create({})
        self.assertEqual(wizard.lead_ids, self.lead | other)
        wizard.action_send()
        self.assertTrue(self._sms_to("+15145550199"))
        self.assertTrue(self._sms_to("+15145550198"))

    def test_nothing_is_offered_when_live_video_is_not_configured(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_gateway_url", "")
        with self.assertRaisesRegex(UserError, "not configured"):
            self.lead.action_dealer_video_send_link()

    def test_links_show_the_dealer_logo_and_the_vehicle(self):
        self.env["dealer.lead.vehicle"].create({
            "lead_id": self.lead.id, "interest": "buy", "year": 2024, "make": "Honda",
            "model": "Civic"})
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        company = self.lead.company_id or self.env.company
        self.assertEqual(claims["logo"],
                         f"{self.lead.get_base_url()}/logo.png?company={company.id}")
        self.assertIn("Civic", claims["vehicle"])

    def test_the_advisor_link_carries_a_signed_photo_url(self):
        session = self._session()
        claims = decode_join_token(session._dealer_advisor_url(self.sales_1))
        user_id, exp, signature = claims["photo"].rsplit("/", 3)[1:]
        self.assertEqual(int(user_id), self.sales_1.id)
        self.assertTrue(video_token.check_photo(SECRET, self.sales_1.id, int(exp), signature))
        self.assertFalse(video_token.check_photo(SECRET, self.sales_2.id, int(exp), signature))


@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoAckLink(DealerVideoCommon):
    """The optional video link of the acknowledgements (off by default)."""

    def _ack_text(self, lang="en", after_hours=False):
        self.lead.dealer_after_hours = after_hours
        return self.lead._dealer_ack_sms_body(lang)

    def _enable(self):
        settings = self.env["res.config.settings"].create({"dealer_video_ack_link": True})
        settings.execute()

    def test_acknowledgements_have_no_video_link_by_default(self):
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, self._ack_text("en"))
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, self._ack_text("fr"))
        template = self.env.ref("dealer_lead_addon.mail_template_ack_en")
        body = template._render_field("body_html", self.lead.ids)[self.lead.id]
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, body)

    def test_the_setting_adds_the_link_to_the_open_acknowledgements(self):
        self._enable()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "dealer_lead_addon.video_ack_link"), "True")
        self.assertIn(f"Talk with us live on video: {VIDEO_LINK_PLACEHOLDER}",
                      self._ack_text("en"))
        self.assertIn(f"Parlez-nous en direct, en vidéo : {VIDEO_LINK_PLACEHOLDER}",
                      self._ack_text("fr"))
        template = self.env.ref("dealer_lead_addon.mail_template_ack_fr")
        body = template._render_field("body_html", self.lead.ids)[self.lead.id]
        self.assertIn(VIDEO_LINK_PLACEHOLDER, body)
        self.assertFalse(self.lead.dealer_video_session_ids, "rendering opens no room")

    def test_the_link_is_minted_when_the_acknowledgement_is_sent(self):
        self._enable()
        sms = self.env["dealer.outbound"]._send_sms(self.lead, self._ack_text("en"),
                                                    purpose="ack")
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, sms.body)
        claims = self._customer_claims(sms.body.split("video: ")[1].split(" ")[0])
        self.assertEqual(claims["room"], self.lead.dealer_video_session_ids.room)

    def test_after_hours_acknowledgements_never_carry_the_link(self):
        """Nobody would answer: the customer would only wait."""
        self._enable()
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, self._ack_text("en", after_hours=True))


@tagged("post_install", "-at_install")
class TestVideoPhotoHttp(HttpCase):
    """``GET /dealer_lead/video/photo/...``: the advisor's photo, only with a valid signature."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("dealer_lead_addon.video_secret", SECRET)
        cls.user = cls.env.ref("base.user_admin")

    def _url(self, user_id, exp, signature=None):
        signature = signature or video_token.photo_signature(SECRET, user_id, exp)
        return f"/dealer_lead/video/photo/{user_id}/{exp}/{signature}"

    def test_a_signed_url_returns_the_photo(self):
        response = self.url_open(self._url(self.user.id, 4102444800))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("image/"))

    def test_another_users_photo_needs_its_own_signature(self):
        signature = video_token.photo_signature(SECRET, self.user.id, 4102444800)
        response = self.url_open(self._url(self.user.id + 1, 4102444800, signature))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"error": "invalid or expired link"})

    def test_an_expired_url_is_refused(self):
        response = self.url_open(self._url(self.user.id, 1000000000))
        self.assertEqual(response.status_code, 403)
