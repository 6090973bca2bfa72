import time

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.dealer_lead_addon.tests.common_intake import OPEN_NOW
from odoo.addons.dealer_lead_addon.tests.common_video import (
    SECRET,
    DealerVideoCommon,
    decode_join_token,
    sign_callback,
)
from odoo.addons.dealer_lead_addon.tools import video_token


@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoLinks(DealerVideoCommon):
    """Join links minted by Odoo for the gateway (HS256 JWT, contract claims)."""

    def test_customer_link_carries_contract_claims(self):
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        session = self.lead.dealer_video_session_ids
        self.assertEqual(len(session), 1)
        self.assertEqual(claims["iss"], "odoo")
        self.assertEqual(claims["aud"], "dealer-video")
        self.assertEqual(claims["role"], "customer")
        self.assertEqual(claims["sub"], "customer")
        self.assertEqual(claims["room"], session.room)
        self.assertEqual(claims["lead"], self.lead.id)
        self.assertEqual(claims["name"], "Sophie", "first name only")
        self.assertEqual(claims["dealer"], "Auto Laval")
        self.assertEqual(claims["lang"], "en")
        self.assertIs(claims["rec"], False)
        self.assertGreaterEqual(len(claims["jti"]), 16)

    def test_customer_link_expires_after_configured_hours(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_link_hours", "24")
        before = int(time.time())
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        self.assertEqual(claims["exp"] - claims["iat"], 24 * 3600)
        self.assertGreaterEqual(claims["iat"], before)
        session = self.lead.dealer_video_session_ids
        self.assertEqual(int(session.link_expires_at.timestamp()), claims["exp"])

    def test_customer_link_lives_seven_days_at_most(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_link_hours", "500")
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        self.assertEqual(claims["exp"] - claims["iat"], 168 * 3600,
                         "the gateway refuses join links living longer than 7 days")

    def test_french_lead_gets_french_customer_page(self):
        self.lead.lang_id = self.env["res.lang"]._activate_lang("fr_CA")
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        self.assertEqual(claims["lang"], "fr")

    def test_room_is_random_and_not_derived_from_lead(self):
        other = self._video_lead(self.sales_1)
        room_1 = decode_join_token(self.lead._dealer_video_mint_customer_url())["room"]
        room_2 = decode_join_token(other._dealer_video_mint_customer_url())["room"]
        self.assertNotEqual(room_1, room_2)
        self.assertGreaterEqual(len(room_1), 22)
        self.assertRegex(room_1, r"^[A-Za-z0-9_-]+$")

    def test_open_session_is_reused_with_a_new_single_use_token(self):
        first = decode_join_token(self.lead._dealer_video_mint_customer_url())
        second = decode_join_token(self.lead._dealer_video_mint_customer_url())
        self.assertEqual(first["room"], second["room"])
        self.assertNotEqual(first["jti"], second["jti"])
        self.assertEqual(len(self.lead.dealer_video_session_ids), 1)

    def test_ended_session_is_not_reused(self):
        session = self._session()
        session.state = "ended"
        claims = decode_join_token(self.lead._dealer_video_mint_customer_url())
        self.assertNotEqual(claims["room"], session.room)
        self.assertEqual(len(self.lead.dealer_video_session_ids), 2)

    def test_customer_link_is_empty_when_gateway_not_configured(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "dealer_lead_addon.video_gateway_url", False)
        self.assertEqual(self.lead._dealer_video_mint_customer_url(), "")
        self.assertFalse(self.lead.dealer_video_session_ids)

    def test_link_signed_with_another_secret_does_not_verify(self):
        url = self.lead._dealer_video_mint_customer_url()
        with self.assertRaises(AssertionError):
            decode_join_token(url, secret="another-secret-of-the-right-length-000000")

    def test_join_button_opens_advisor_page_for_current_user(self):
        lead = self._video_lead(self.sales_2)
        action = lead.with_user(self.sales_2).action_dealer_video_join()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        claims = decode_join_token(action["url"])
        self.assertEqual(claims["role"], "advisor")
        self.assertEqual(claims["sub"], str(self.sales_2.id))
        self.assertEqual(claims["name"], "Julie", "advisor's first name only")
        self.assertEqual(claims["exp"] - claims["iat"], 30 * 60)
        self.assertEqual(claims["room"], lead.dealer_video_session_ids.room)

    def test_join_button_joins_the_room_the_customer_waits_in(self):
        session = self._session()
        session.state = "ringing"
        claims = decode_join_token(self.lead.action_dealer_video_join()["url"])
        self.assertEqual(claims["room"], session.room)

    def test_join_button_explains_missing_configuration(self):
        self.env["ir.config_parameter"].sudo().set_param("dealer_lead_addon.video_secret", False)
        with self.assertRaises(UserError):
            self.lead.action_dealer_video_join()

    # rendering a template mints nothing: see test_guard_video.py

@freeze_time(OPEN_NOW)
@tagged("post_install", "-at_install")
class TestVideoCallbackSignature(DealerVideoCommon):
    """The HMAC check of the gateway's callbacks, against an independent computation."""

    def test_independently_signed_callback_is_accepted(self):
        body, now = b'{"event": "x"}', int(time.time())
        self.assertIsNone(video_token.check_callback(
            SECRET, str(now), sign_callback(body, now), body))

    def test_signature_of_another_body_is_refused(self):
        now = int(time.time())
        self.assertEqual(video_token.check_callback(
            SECRET, str(now), sign_callback(b"{}", now), b'{"a": 1}'), "bad signature")

    def test_timestamp_older_than_five_minutes_is_refused(self):
        body, old = b"{}", int(time.time()) - 301
        self.assertEqual(video_token.check_callback(
            SECRET, str(old), sign_callback(body, old), body), "stale timestamp")

    def test_nothing_is_accepted_without_a_secret(self):
        body, now = b"{}", int(time.time())
        self.assertTrue(video_token.check_callback("", str(now), sign_callback(body, now, ""),
                                                   body))
