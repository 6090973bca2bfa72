
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.dealer_lead_addon.tools.twilio_signature import (
    twilio_signature,
    twilio_signature_valid,
    url_variants,
)

from .common_texting import CUSTOMER, STRANGER, DealerTextingCommon

PATH = "/dealer_lead/sms/inbound"
CONTROLLER_LOGGER = "odoo.addons.dealer_lead_addon.controllers.sms"


@tagged("post_install", "-at_install")
class TestTwilioSignature(DealerTextingCommon):
    """The signature algorithm, on Twilio's own published vectors and ours."""

    def test_twilio_documented_example_signature(self):
        # https://www.twilio.com/docs/usage/security#validating-requests
        params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
                  "From": "+12349013030", "To": "+18005551212"}
        self.assertEqual(
            twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")

    def test_twilio_library_sms_vector_validates(self):
        # the SMS request of Twilio's helper library test suite (twilio-ruby)
        params = {
            "ToState": "CA", "FromState": "CA", "AccountSid": "ACba8bc05eacf94afdae398e642c9cc32d",
            "SmsMessageSid": "SM2003cbd5e6a3701999aa3e5f20ff2787", "Body": "Orly",
            "From": "+14159354345", "FromCity": "SAN FRANCISCO", "SmsStatus": "received",
            "FromZip": "94107", "FromCountry": "US", "To": "+14158141819",
            "ToCity": "SAN FRANCISCO", "ToZip": "94105", "ToCountry": "US",
            "ApiVersion": "2010-04-01", "SmsSid": "SM2003cbd5e6a3701999aa3e5f20ff2787"}
        self.assertTrue(twilio_signature_valid(
            "2bd9e9638872de601313dc77410d3b23", "mxeiv65lEe0b8L6LdVw2jgJi8yw=",
            ["http://twiliotests.heroku.com/validate/sms"], params))

    def test_french_body_is_signed_as_utf8(self):
        params = {"Body": "Arrêtez de m’écrire", "From": CUSTOMER}
        self.assertEqual(
            twilio_signature("secret", "https://crm.example/hook", params),
            # computed independently: base64(HMAC-SHA1(key, url + "BodyArrêtez de m’écrire"
            # + "From+15145550123")) with the UTF-8 bytes
            "isX+1Ow1chuSqfxwgojmB15a8i4=")

    def test_parameters_are_sorted_by_name_before_signing(self):
        forward = twilio_signature("t", "https://x.example/h", [("b", "2"), ("a", "1")])
        self.assertEqual(forward, twilio_signature("t", "https://x.example/h", {"a": "1",
                                                                                 "b": "2"}))

    def test_signature_for_another_url_does_not_validate(self):
        params = {"Body": "Bonjour"}
        signature = twilio_signature("t", "https://attacker.example/dealer_lead/sms/inbound",
                                     params)
        self.assertFalse(twilio_signature_valid(
            "t", signature, ["https://crm.dealer.example/dealer_lead/sms/inbound"], params))

    def test_default_https_port_is_tried_both_ways(self):
        self.assertEqual(url_variants("https://crm.example/h?x=1"),
                         ["https://crm.example/h?x=1", "https://crm.example:443/h?x=1"])
        self.assertEqual(url_variants("https://crm.example:443/h"),
                         ["https://crm.example:443/h", "https://crm.example/h"])

    def test_empty_signature_or_token_never_validates(self):
        self.assertFalse(twilio_signature_valid("t", "", ["https://x.example"], {}))
        self.assertFalse(twilio_signature_valid("", "abc=", ["https://x.example"], {}))


@tagged("post_install", "-at_install")
class TestInboundSmsWebhook(DealerTextingCommon, HttpCase):
    """``POST /dealer_lead/sms/inbound`` exactly as Twilio calls it."""

    def setUp(self):
        super().setUp()
        # the URL typed in Twilio; signatures are checked against it only
        self.env.company.dealer_sms_webhook_url = self._url()

    def _url(self):
        return self.base_url() + PATH

    def _post(self, params, signature=None, headers=None, url=None):
        signature = self._sign(url or self._url(), params) if signature is None else signature
        response = self.url_open(PATH, data=params, headers={
            "X-Twilio-Signature": signature, **(headers or {})})
        self.env.invalidate_all()
        return response

    def _inbound_count(self):
        return self.env["dealer.sms.inbound"].sudo().search_count([])

    def test_correctly_signed_text_is_posted_on_the_customers_lead(self):
        response = self._post(self._params("Est-ce que le RAV4 est encore disponible?"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "text/xml")
        self.assertIn("<Response></Response>", response.text)
        texts = self.customer_lead.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertEqual(len(texts), 1)
        self.assertIn("encore disponible", texts.body)

    @mute_logger(CONTROLLER_LOGGER)
    def test_wrong_signature_gets_403_and_changes_nothing(self):
        params = self._params("STOP")
        response = self._post(params, signature=self._sign(self._url(), params, token="x" * 32))
        self.assertEqual(response.status_code, 403)
        self.assertIn("X-Twilio-Signature", response.text)
        self.assertEqual(self._inbound_count(), 0)
        self.assertFalse(self._blacklisted(CUSTOMER))

    @mute_logger(CONTROLLER_LOGGER)
    def test_missing_signature_gets_403_and_changes_nothing(self):
        response = self._post(self._params("STOP"), signature="")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._inbound_count(), 0)
        self.assertFalse(self._blacklisted(CUSTOMER))

    @mute_logger(CONTROLLER_LOGGER)
    def test_tampered_body_gets_403(self):
        params = self._params("Merci!")
        signature = self._sign(self._url(), params)
        response = self._post({**params, "Body": "STOP"}, signature=signature)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self._blacklisted(CUSTOMER))

    @mute_logger(CONTROLLER_LOGGER)
    def test_text_to_a_number_of_no_company_gets_403(self):
        params = self._params("Bonjour", To="+18885550000", AccountSid="ACunknown")
        self.assertEqual(self._post(params).status_code, 403)
        self.assertEqual(self._inbound_count(), 0)

    def test_signed_request_without_message_sid_gets_400_with_a_reason(self):
        params = self._params("Bonjour")
        del params["MessageSid"], params["SmsMessageSid"]
        response = self._post(params)
        self.assertEqual(response.status_code, 400)
        self.assertIn("MessageSid", response.text)
        self.assertEqual(self._inbound_count(), 0)

    def test_same_message_sid_twice_changes_nothing_the_second_time(self):
        params = self._params("Je peux passer samedi?")
        self.assertEqual(self._post(params).status_code, 200)
        messages = len(self.customer_lead.message_ids)
        self.assertEqual(self._post(params).status_code, 200)
        self.assertEqual(len(self.customer_lead.message_ids), messages)
        self.assertEqual(self._inbound_count(), 1)

    @mute_logger(CONTROLLER_LOGGER)
    def test_signature_for_the_requests_own_host_is_refused(self):
        params = self._params("STOP")
        response = self._post(params, url="http://attacker.example" + PATH,
                              headers={"Host": "attacker.example"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._inbound_count(), 0)
        self.assertFalse(self._blacklisted(CUSTOMER))

    @mute_logger(CONTROLLER_LOGGER)
    def test_without_a_configured_public_url_every_text_gets_503(self):
        self.env.company.dealer_sms_webhook_url = False
        response = self._post(self._params("STOP"))
        self.assertEqual(response.status_code, 503)
        self.assertIn("webhook URL", response.text)
        self.assertEqual(self._inbound_count(), 0)

    @mute_logger(CONTROLLER_LOGGER)
    def test_web_base_url_is_not_trusted_for_the_signature(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://admin-laptop.example")
        params = self._params("STOP")
        response = self._post(params, url="https://admin-laptop.example" + PATH)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self._blacklisted(CUSTOMER))

    def test_configured_public_url_validates_behind_a_proxy(self):
        public = "https://crm.dealer.example" + PATH
        self.env.company.dealer_sms_webhook_url = public
        response = self._post(self._params("Bonjour"), url=public)
        self.assertEqual(response.status_code, 200)

    def test_unknown_number_becomes_a_new_lead_through_intake(self):
        self._post(self._params("Hi, is the blue Civic still for sale?", sender=STRANGER))
        intake = self._last_intake()
        self.assertEqual((intake.channel, intake.state), ("sms", "created"))
        self.assertEqual(intake.lead_id.phone_sanitized, STRANGER)

    def test_signed_stop_opts_the_number_out(self):
        self._post(self._params("STOP"))
        self.assertTrue(self._blacklisted(CUSTOMER))
