import json

from odoo.tests import HttpCase, tagged

from .common_intake import fixture

KEY = "test-key-http-0123456789"


@tagged("post_install", "-at_install")
class TestIntakeHttp(HttpCase):
    """``POST /dealer_lead/intake/<code>`` with a bearer key per source."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ca")
        cls.source = cls.env["dealer.lead.source"].create({
            "name": "Dealer site", "code": "site", "default_lang": "en_US"})
        cls.source._dealer_set_api_key(KEY)

    def _post(self, body, content_type="application/xml", key=KEY, code="site"):
        headers = {"Content-Type": content_type}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        response = self.url_open(f"/dealer_lead/intake/{code}", data=body, headers=headers)
        return response.status_code, response.json()

    def test_adf_creates_lead_201_then_repeat_200_idempotent(self):
        status, payload = self._post(fixture("adf_standard.xml").encode())
        self.assertEqual(status, 201, payload)
        lead = self.env["crm.lead"].browse(payload["lead_id"])
        self.assertEqual(lead.phone, "+15145550142")
        self.assertEqual(lead.dealer_intake_ids.channel, "http")
        status, again = self._post(fixture("adf_standard.xml").encode())
        self.assertEqual((status, again["status"], again["lead_id"]), (200, "repeat", lead.id))

    def test_json_creates_lead(self):
        body = json.dumps({
            "provider_lead_id": "WEB-1", "request_date": "2026-11-24T10:00:00-05:00",
            "customer": {"first_name": "Ana", "last_name": "Lee", "email": "ana@example.com",
                         "phones": [{"number": "647-555-0100", "type": "mobile"}],
                         "address": {"region": "ON", "country": "CA"},
                         "comments": "Is the blue one still there?"},
            "vehicles": [{"interest": "buy", "status": "new", "year": 2026, "make": "Mazda",
                          "model": "CX-5"}],
        })
        status, payload = self._post(body, "application/json")
        self.assertEqual(status, 201, payload)
        lead = self.env["crm.lead"].browse(payload["lead_id"])
        self.assertEqual((lead.phone, lead.lang_id.code), ("+16475550100", "en_US"))
        self.assertEqual(lead.dealer_vehicle_summary, "2026 Mazda CX-5")

    def test_acknowledgement_is_queued_by_the_intake_request(self):
        status, payload = self._post(fixture("adf_standard.xml").encode())
        self.assertEqual(status, 201, payload)
        lead = self.env["crm.lead"].browse(payload["lead_id"])
        # no cron ran: the request itself queued the text, which waits for the SMS queue
        self.assertEqual((lead.dealer_ack_state, lead.dealer_ack_sms_state), ("queued", "queued"))
        text = self.env["sms.sms"].sudo().search([("uuid", "=", lead.dealer_ack_sms_uuid)])
        self.assertEqual((text.state, text.dealer_purpose), ("outgoing", "ack"))

    def test_same_customer_new_inquiry_is_attached_200(self):
        status, first = self._post(fixture("adf_standard.xml").encode())
        self.assertEqual(status, 201)
        other = fixture("adf_standard.xml").replace("AT-100234", "AT-555")
        status, payload = self._post(other.encode())
        self.assertEqual((status, payload["status"], payload["lead_id"]),
                         (200, "attached", first["lead_id"]))
        self.assertEqual(self.env["crm.lead"].browse(first["lead_id"]).dealer_inquiry_count, 2)

    def test_bad_key_is_401(self):
        status, payload = self._post(b"<adf/>", key="wrong")
        self.assertEqual(status, 401)
        self.assertIn("bearer", payload["message"])
        self.assertEqual(self._post(b"<adf/>", key=None)[0], 401)
        self.assertEqual(self._post(b"<adf/>", code="nope")[0], 401)

    def test_unsupported_type_is_415(self):
        self.assertEqual(self._post(b"a=b", "application/x-www-form-urlencoded")[0], 415)

    def test_empty_body_is_400(self):
        self.assertEqual(self._post(b"  ")[0], 400)

    def test_not_xml_is_422_and_quarantined(self):
        status, payload = self._post(b"<adf><prospect>oops</adf>")
        self.assertEqual(status, 422)
        self.assertIn("not well-formed", payload["message"])
        intake = self.env["dealer.lead.intake"].browse(payload["intake_id"])
        self.assertEqual(intake.state, "quarantined")
        self.assertEqual(intake.raw_payload, "<adf><prospect>oops</adf>")

    def test_bad_json_is_422_with_reason(self):
        status, payload = self._post(b'{"customer": [1, 2]}', "application/json")
        self.assertEqual(status, 422)
        self.assertIn("'customer' must be an object", payload["message"])
        status, payload = self._post(b'{"customer": ', "application/json")
        self.assertEqual(status, 422)
        self.assertIn("not valid JSON", payload["message"])

    def test_xxe_is_422_not_expanded(self):
        status, payload = self._post(fixture("adf_xxe.xml").encode())
        self.assertEqual(status, 422)
        self.assertIn("entities", payload["message"])

    def test_oversized_payload_is_413(self):
        self.source.max_payload_kb = 1
        status, payload = self._post(fixture("adf_standard.xml").encode() * 2)
        self.assertEqual(status, 413)
        self.assertEqual(payload["error"], "payload_too_large")
