import hashlib
from datetime import datetime

from odoo.tests import HttpCase, freeze_time, tagged

from odoo.addons.dealer_lead_addon.tests.common_intake import OPEN_NOW
from odoo.addons.dealer_lead_addon.tests.common_send_queue import DealerSendQueueCommon
from odoo.addons.dealer_lead_addon.tests.common_video import (
    GATEWAY,
    SECRET,
    DealerVideoCommon,
    decode_join_token,
)
from odoo.addons.dealer_lead_addon.tools.sms_segments import sms_segments


@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoShortLinkHttp(HttpCase):
    """``GET /v/<code>``: the customer's short video link redirects to their join link while
    it is valid; an unknown or expired code gets a readable page with a stable code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", GATEWAY)
        icp.set_param("dealer_lead_addon.video_secret", SECRET)
        cls.lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Civic 2024", "contact_name": "Sophie Tremblay",
            "user_id": cls.env.ref("base.user_admin").id})
        cls.session = cls.env["dealer.video.session"].create({"lead_id": cls.lead.id})

    def setUp(self):
        super().setUp()
        self.short_url = self.session._dealer_customer_short_url()
        self.code = self.short_url.rsplit("/v/", 1)[1]
        self.link = self.env["dealer.video.link"].search([("session_id", "=", self.session.id)])

    def _open(self, code, lang="fr-CA,fr;q=0.9"):
        return self.url_open(f"/v/{code}", allow_redirects=False,
                             headers={"Accept-Language": lang})

    def test_a_valid_code_redirects_to_the_customers_join_link(self):
        response = self._open(self.code)
        self.assertEqual(response.status_code, 302)
        claims = decode_join_token(response.headers["Location"])
        self.assertEqual((claims["room"], claims["role"]), (self.session.room, "customer"))
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")

    def test_the_link_gives_back_its_one_token_not_a_new_one(self):
        """A second device with the short link gets the same single-use token, which the
        gateway has already spent: the short link opens no seat the full link would not."""
        first = self._open(self.code).headers["Location"]
        self.assertEqual(self._open(self.code).headers["Location"], first)

    def test_the_link_expires_with_its_join_token(self):
        claims = decode_join_token(self._open(self.code).headers["Location"])
        self.assertEqual(self.link.expires_at.timestamp(), claims["exp"])
        self.assertEqual(self.link.expires_at, self.session.link_expires_at)

    def test_the_code_is_short(self):
        self.assertEqual(len(self.code), 12)
        self.assertEqual(self.short_url, f"{self.lead.get_base_url()}/v/{self.code}")

    def test_the_code_and_the_token_are_not_stored(self):
        self.assertEqual(self.link.code_hash, hashlib.sha256(self.code.encode()).hexdigest())
        token = self._open(self.code).headers["Location"].rsplit("/", 1)[1]
        self.env.flush_all()
        for secret in (self.code, token):
            self.env.cr.execute(
                "SELECT count(*) FROM dealer_video_link link WHERE link::text LIKE %s",
                [f"%{secret}%"])
            self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_a_new_shared_secret_ends_the_link_like_its_token(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_secret", "another-secret-of-the-right-length-000000")
        response = self._open(self.code)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.headers["X-Dealer-Error"], "link_unknown")

    def test_an_unknown_code_is_a_readable_404(self):
        response = self._open("A" * 12, lang="en-CA,en;q=0.9")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.headers["X-Dealer-Error"], "link_unknown")
        self.assertIn("This video link does not work", response.text)

    def test_a_malformed_code_is_a_404_never_a_traceback(self):
        for code in ("short", "A" * 500, "%C3%A9" * 12, "AAAAAAAAAAA%27"):
            response = self._open(code)
            self.assertEqual(response.status_code, 404, code)
            self.assertEqual(response.headers["X-Dealer-Error"], "link_unknown")

    def test_an_expired_code_is_a_readable_410_in_the_customers_language(self):
        self.link.expires_at = "2026-11-24 14:00:00"
        response = self._open(self.code)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response.headers["X-Dealer-Error"], "link_expired")
        self.assertIn('lang="en"', response.text)  # the lead's customer writes English
        self.assertIn("This video link has expired", response.text)

    def test_the_pages_say_nothing_of_the_lead(self):
        self.link.expires_at = "2026-11-24 14:00:00"
        for response in (self._open(self.code), self._open("B" * 12)):
            self.assertNotIn("Sophie", response.text)
            self.assertNotIn(self.session.room, response.text)
            self.assertNotIn("Location", response.headers)

    def test_the_french_page_for_a_french_visitor(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        response = self._open("C" * 12)
        self.assertIn('lang="fr"', response.text)
        self.assertIn("Ce lien vidéo ne fonctionne pas", response.text)


@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoShortLinkTexts(DealerVideoCommon):
    """The customer's texts carry the short link: fewer segments than the join link."""

    def _shorter_than_the_join_link(self, sms):
        short_url = next(word for word in sms.body.split() if "/v/" in word)
        full = sms.body.replace(short_url, self._follow(short_url))
        self.assertNotIn("/join/", sms.body)
        self.assertLess(sms_segments(sms.body).segments, sms_segments(full).segments)
        return sms_segments(sms.body).segments

    def test_the_acknowledgement_carries_the_short_link(self):
        self.lead.lang_id = self.env["res.lang"]._activate_lang("fr_CA")
        settings = self.env["res.config.settings"].create({"dealer_video_ack_link": True})
        settings.execute()
        sms = self.env["dealer.outbound"]._send_sms(
            self.lead, self.lead._dealer_ack_sms_body("fr"), purpose="ack")
        self.assertIn(f"{self.lead.get_base_url()}/v/", sms.body)
        # "ARRÊT" makes the French acknowledgement UCS-2 (67 characters a segment): 3 segments
        # with the short link, always fewer than with the join link
        self.assertLessEqual(self._shorter_than_the_join_link(sms), 3)

    def test_the_send_link_text_carries_the_short_link(self):
        self.lead.lang_id = self.env["res.lang"]._activate_lang("fr_CA")
        action = self.lead.action_dealer_video_send_link()
        self.env[action["res_model"]].with_context(**action["context"]).create({}).action_send()
        [sms] = self._sms_to("+15145550199")
        self.assertIn("touchez ce lien", sms.body)
        self.assertLessEqual(self._shorter_than_the_join_link(sms), 2)


@tagged("post_install", "-at_install")
class TestVideoShortLinkAckRewritten(DealerSendQueueCommon, HttpCase):
    """An acknowledgement written again as it leaves (its promise passed while it was held)
    carries a real short link, never the template's placeholder."""

    def test_a_rewritten_acknowledgement_carries_a_minted_short_link(self):
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", GATEWAY)
        icp.set_param("dealer_lead_addon.video_secret", SECRET)
        icp.set_param("dealer_lead_addon.video_ack_link", "True")
        evening = datetime(2026, 11, 24, 23, 30)  # closed: the after-hours text has no link
        with self._frozen(evening):
            lead = self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Walk-in", "contact_name": "Noa Roy", "phone": "+15145550166",
                "team_id": self.team.id, "user_id": False})
        with self._frozen(evening), self._no_commit():
            self.env["crm.lead"]._cron_dealer_send_pending_acks()
        self.env.invalidate_all()
        # the queue was down all night: the open-hours text, with the link, leaves at 8 h 30
        self._run_sms_queue(datetime(2026, 11, 25, 13, 30))
        [body] = self._twilio_bodies_to("+15145550166")
        self.assertNotIn("video-link.invalid", body)
        self.assertIn(f"{lead.get_base_url()}/v/", body)
