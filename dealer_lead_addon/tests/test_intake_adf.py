from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools import adf
from .common_intake import fixture


@tagged("post_install", "-at_install")
class TestAdfParser(BaseCase):
    """The pure ADF parser on the quirks real providers send."""

    def test_standard_document(self):
        prospect = adf.parse_adf(fixture("adf_standard.xml"))[0]
        self.assertEqual(prospect["adf_version"], "1.0")
        self.assertEqual(adf.provider_lead_id(prospect), "AT-100234")
        self.assertEqual(prospect["customer"]["phones"][0]["type"], "mobile")
        self.assertEqual(prospect["vendor"]["name"], "Auto Laval")

    def test_unknown_phone_types_map_to_mobile_or_voice(self):
        phones = adf.parse_adf(fixture("adf_quirks.xml"))[0]["customer"]["phones"]
        self.assertEqual([(p["raw_type"], p["type"]) for p in phones],
                         [("work", "voice"), ("cell", "mobile")])

    def test_dates_that_are_not_iso(self):
        for raw, expected in [
            ("2026-01-19 16:40:00 -0600", datetime(2026, 1, 19, 22, 40)),
            ("2008-06-25T8:47:50", datetime(2008, 6, 25, 8, 47, 50)),
            ("2025-09-22T18:07", datetime(2025, 9, 22, 18, 7)),
            ("2024-01-15T10:30:00Z", datetime(2024, 1, 15, 10, 30)),
            ("2024-01-15T10:30:00.123-05:00", datetime(2024, 1, 15, 15, 30, 0, 123000)),
            ("01/15/2024 3:04:05 PM", datetime(2024, 1, 15, 15, 4, 5)),
        ]:
            with self.subTest(raw=raw):
                self.assertEqual(adf.parse_date(raw), expected)
        self.assertIsNone(adf.parse_date("next tuesday"))

    def test_several_prospects_are_all_parsed(self):
        text = "<adf>" + "".join(
            f"<prospect><customer><contact><name>P{i}</name><email>p{i}@x.ca</email>"
            "</contact></customer></prospect>" for i in range(3)) + "</adf>"
        self.assertEqual(len(adf.parse_adf(text)), 3)

    def test_missing_vendor_and_vehicle_are_accepted(self):
        text = ("<adf><prospect><customer><contact><name part='full'>X</name>"
                "<phone>5145550000</phone></contact></customer></prospect></adf>")
        prospect = adf.parse_adf(text)[0]
        self.assertEqual(prospect["vehicles"], [])
        self.assertEqual(prospect["vendor"]["name"], "")

    def test_cdata_comments_keep_their_ampersands(self):
        text = ("<adf><prospect><customer><contact><name>X</name><email>x@x.ca</email>"
                "</contact><comments><![CDATA[A&B <b>bold</b>]]></comments></customer>"
                "</prospect></adf>")
        self.assertEqual(adf.parse_adf(text)[0]["customer"]["comments"], "A&B <b>bold</b>")

    def test_refusals_have_readable_reasons(self):
        for name, reason in [
            ("adf_xxe.xml", "entities"),
            ("adf_billion_laughs.xml", "entities"),
            ("adf_broken.xml", "not well-formed"),
        ]:
            with self.subTest(name=name), self.assertRaisesRegex(adf.AdfError, reason):
                adf.parse_adf(fixture(name))
        with self.assertRaisesRegex(adf.AdfError, "No ADF document"):
            adf.parse_adf("Hello, I want a car")

    def test_oversized_document_is_refused(self):
        text = "<adf><prospect><customer><comments>" + "x" * (adf.MAX_ADF_BYTES + 1) + (
            "</comments></customer></prospect></adf>")
        with self.assertRaisesRegex(adf.AdfError, "larger than"):
            adf.parse_adf(text)
