import json

from odoo.tests import HttpCase, tagged

from ..tools.inquiry import MAX_BODY_BYTES
from .common_intake import OPEN_NOW, DealerIntakeCommon

KEY = "test-key-hostile-0123456789"
KIB = 1024


@tagged("post_install", "-at_install")
class TestIntakeHostile(HttpCase):
    """Hostile bodies on ``POST /dealer_lead/intake/<code>``: a 4xx JSON answer with a stable
    code and a readable reason, never a 5xx or internal text; every authenticated body refused
    for its content is kept raw and quarantined."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ca")
        cls.source = cls.env["dealer.lead.source"].create({
            "name": "Hostile site", "code": "hostile", "default_lang": "en_US",
            "max_payload_kb": MAX_BODY_BYTES // KIB})
        cls.source._dealer_set_api_key(KEY)

    def _post(self, body, content_type="application/xml", key=KEY):
        headers = {"Content-Type": content_type}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        response = self.url_open("/dealer_lead/intake/hostile", data=body, headers=headers,
                                 timeout=60)
        self.assertEqual(response.headers["Content-Type"], "application/json; charset=utf-8")
        self.assertNotIn("Traceback", response.text)
        return response.status_code, response.json()

    def _assert_refused(self, body, status, error, content_type="application/xml"):
        """``body`` answered ``status`` with ``error``, kept and quarantined: the intake."""
        answer_status, answer = self._post(body, content_type)
        self.assertEqual((answer_status, answer["error"]), (status, error), answer)
        self.assertTrue(answer["message"])
        for internal in ("Error:", "psycopg2", "object has no attribute", "NoneType", "File \""):
            self.assertNotIn(internal, answer["message"])
        intake = self.env["dealer.lead.intake"].browse(answer["intake_id"])
        self.assertEqual((intake.state, intake.reason_code), ("quarantined", error))
        self.assertTrue(intake.raw_payload)
        return intake

    def test_unclosed_adf_of_256_kib_is_no_adf(self):
        body = b"<adf>" + b"x" * 256 * KIB
        intake = self._assert_refused(body, 422, "no_adf")
        self.assertEqual(len(intake.raw_payload), len(body))

    def test_repeated_adf_openings_are_no_adf(self):
        self._assert_refused(b"<adf " * 50000, 422, "no_adf")

    def test_nul_byte_is_400_and_kept_escaped(self):
        intake = self._assert_refused(b"<adf>\x00</adf>", 400, "nul_byte")
        self.assertEqual(intake.raw_payload, "<adf>\\x00</adf>")

    def test_utf16_without_byte_order_mark_is_400(self):
        self._assert_refused("<adf/>".encode("utf-16-le"), 400, "nul_byte")

    def test_invalid_utf8_is_400_and_kept_escaped(self):
        intake = self._assert_refused(b"<adf>caf\xe9</adf>", 400, "invalid_encoding")
        self.assertIn("caf\\xe9", intake.raw_payload)

    def test_utf16_with_byte_order_mark_is_415_and_kept(self):
        body = json.dumps({"customer": {"email": "ana@example.com"}}).encode("utf-16")
        self._assert_refused(body, 415, "unsupported_charset", "application/json")

    def test_wrong_json_types_name_the_field(self):
        for body, field in [
            ({"customer": {"email": ["a@b.ca"]}}, "customer.email"),
            ({"customer": {"email": "a@b.ca", "phones": "514"}}, "customer.phones"),
            ({"customer": {"email": "a@b.ca"}, "vehicles": [{"year": "2026"}]},
             "vehicles[0].year"),
            ({"customer": {"email": "a@b.ca", "address": {"city": 5}}},
             "customer.address.city"),
        ]:
            with self.subTest(field=field):
                self._assert_refused(json.dumps(body).encode(), 422, "wrong_type",
                                     "application/json")

    def test_out_of_range_numbers_are_refused(self):
        for vehicle in [{"year": 1800}, {"price": -1}, {"price": 1e12}, {"odometer": 10**12}]:
            with self.subTest(vehicle=vehicle):
                body = {"customer": {"email": "a@b.ca"}, "vehicles": [vehicle]}
                self._assert_refused(json.dumps(body).encode(), 422, "out_of_range",
                                     "application/json")

    def test_deep_nesting_is_too_deep(self):
        self._assert_refused(b'{"a":' * 100000 + b"1" + b"}" * 100000, 422, "too_deep",
                             "application/json")

    def test_a_json_array_is_not_an_object(self):
        self._assert_refused(b"[1, 2]", 422, "json_not_object", "application/json")

    def test_unreachable_customer_has_its_code(self):
        self._assert_refused(b'{"customer": {"name": "Ana"}}', 422, "unreachable",
                             "application/json")

    def test_unsupported_media_type_is_kept(self):
        self._assert_refused(b"\x89PNG", 415, "unsupported_media_type", "image/png")
        intake = self._assert_refused(b"a=b", 415, "unsupported_media_type",
                                      "application/x-www-form-urlencoded")
        self.assertEqual(intake.raw_payload, "a=b")

    def test_chunked_body_over_the_limit_is_413_kept_cut(self):
        def chunks():
            for _index in range(MAX_BODY_BYTES // (64 * KIB) + 2):
                yield b"<" * 64 * KIB

        intake = self._assert_refused(chunks(), 413, "payload_too_large")
        self.assertTrue(intake.raw_truncated)
        self.assertEqual(len(intake.raw_payload), MAX_BODY_BYTES)
        self.assertEqual(self.env["dealer.lead.intake"].search_count(
            [("source_id", "=", self.source.id)]), 1, "stored once")

    def test_content_length_over_the_limit_is_413_kept_cut(self):
        intake = self._assert_refused(b"x" * (MAX_BODY_BYTES + 10), 413, "payload_too_large")
        self.assertTrue(intake.raw_truncated)

    def test_unauthenticated_hostile_body_stores_nothing(self):
        before = self.env["dealer.lead.intake"].search_count([])
        status, answer = self._post(b"<adf>\x00", key="wrong")
        self.assertEqual((status, answer["error"]), (401, "unauthorized"))
        self.assertEqual(self.env["dealer.lead.intake"].search_count([]), before)


@tagged("post_install", "-at_install")
class TestIntakeEmailHostile(DealerIntakeCommon):
    """The leads alias uses the same linear ADF detection."""

    def test_unclosed_adf_in_an_email_is_a_plain_email(self):
        body = "<adf " * 20000 + "\nHello, I would like a test drive please"
        with self._frozen(OPEN_NOW):
            self._process_email(self._adf_email(body=body, email_from="ana@example.com"))
        intake = self._last_intake()
        self.assertEqual(intake.state, "created", "no ADF: the stock plain e-mail lead")
        self.assertEqual(intake.lead_id.email_from, "ana@example.com")
