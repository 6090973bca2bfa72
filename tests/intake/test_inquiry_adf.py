"""inquiry.from_adf and the linear-time ADF detection of tools/adf.py."""

import pytest
from dealer_tools import adf
from dealer_tools.inquiry import Inquiry, InquiryError, from_adf

KIB = 1024
MINIMAL = ("<adf><prospect><customer><contact><name part='full'>Ana Lee</name>"
           "<phone type='cellphone'>514 555-0142</phone></contact></customer></prospect></adf>")


def _code(text):
    with pytest.raises(InquiryError) as caught:
        from_adf(text)
    return caught.value.code


def test_standard_document_is_a_typed_inquiry(fixture_text):
    inquiry = from_adf(fixture_text("adf_standard.xml"), default_lang="en_US")
    assert isinstance(inquiry, Inquiry)
    assert inquiry.provider_lead_id == "AT-100234"
    assert inquiry.phones[0].e164 == "+15145550142"
    assert inquiry.phones[0].type == "mobile"
    assert inquiry.emails == ("genevieve.tremblay@example.ca",)
    assert inquiry.lang == "fr_CA", "a Quebec address is French whatever the source default"
    assert inquiry.vehicles[0].make == "Toyota"
    assert inquiry.address.region == "QC"
    assert inquiry.origin["phone"] == "prospect/customer/contact/phone[1]"


def test_the_cell_phone_comes_first_and_fax_is_dropped():
    text = MINIMAL.replace(
        "<phone type='cellphone'>514 555-0142</phone>",
        "<phone type='fax'>613 555-0111</phone><phone type='work'>613 555-0100</phone>"
        "<phone type='cell'>613 555-0199</phone>")
    phones = from_adf(text).phones
    assert [(p.e164, p.type) for p in phones] == [("+16135550199", "mobile"),
                                                ("+16135550100", "voice")]


def test_the_inquiry_is_frozen():
    inquiry = from_adf(MINIMAL)
    with pytest.raises(AttributeError):
        inquiry.name = "Other"


def test_to_json_is_json_compatible(fixture_text):
    values = from_adf(fixture_text("adf_standard.xml")).to_json()
    assert values["request_date"] == "2026-11-24T15:02:11"
    assert values["phones"][0]["e164"] == "+15145550142"


@pytest.mark.parametrize(("name", "code"), [
    ("adf_xxe.xml", "adf_entities"),
    ("adf_billion_laughs.xml", "adf_entities"),
    ("adf_broken.xml", "adf_malformed"),
])
def test_refused_fixtures_have_stable_codes(fixture_text, name, code):
    assert _code(fixture_text(name)) == code


@pytest.mark.parametrize(("text", "code"), [
    ("Hello, I want a car", "no_adf"),
    ("<adf></adf>", "adf_no_prospect"),
    ("<adf><prospect>\x00</prospect></adf>", "nul_byte"),
    ("<adf><prospect></adf>", "adf_malformed"),
    ("<adf>" + "<prospect/>" * 3 + "<x>" * 2 + "</adf>", "adf_malformed"),
])
def test_bad_documents_have_stable_codes(text, code):
    assert _code(text) == code


def test_a_malformed_escaped_document_offers_the_unescaped_block_to_fix():
    with pytest.raises(InquiryError) as caught:
        from_adf("<p>&lt;adf&gt;&lt;prospect&gt;&lt;/adf&gt;</p>")
    assert caught.value.payload == "<adf><prospect></adf>"


def test_an_inquiry_with_too_many_vehicles_is_refused():
    vehicles = "<vehicle><make>X</make></vehicle>" * 21
    assert _code(MINIMAL.replace("</customer>", "</customer>" + vehicles)) == "too_many_items"


# hostile shapes: each would rescan the rest of the text with the former lazy patterns
ADVERSARIAL = {
    "unclosed adf": "<adf>" + "x" * 2048 * KIB,
    "many openings": "<adf " * 400_000,
    "many escaped openings": "&lt;adf " * 250_000,
    "unclosed processing instructions": "<adf>" + "<?" * 1_000_000 + "</adf>",
    "unclosed cdata": "<adf><prospect>" + "<![CDATA[" * 200_000 + "</prospect></adf>",
    "only angle brackets": "<" * 2048 * KIB,
    "spaces after openings": ("<" + " " * 1000) * 2000,
}


@pytest.mark.parametrize("shape", sorted(ADVERSARIAL))
def test_hostile_shapes_of_2_mib_are_refused_with_a_code(shape):
    """Completes at all: the quadratic patterns took minutes on a tenth of this size."""
    assert _code(ADVERSARIAL[shape]) in ("no_adf", "adf_malformed", "adf_too_large")


def test_find_adf_takes_the_first_block_and_drops_the_prolog():
    text = "junk <?adf version='1.0'?> <ADF ><prospect/></adf > tail <adf>second</adf>"
    assert adf.find_adf(text) == "<ADF ><prospect/></adf >"


def test_find_adf_without_closing_is_none():
    assert adf.find_adf("<adf><prospect>" * 1000) is None
    assert adf.find_adf("&lt;adf&gt;" * 1000) is None


def test_processing_instructions_and_cdata_survive_sanitizing():
    text = ("<?xml version='1.0'?><adf><?junk?><prospect><customer><contact><name>X</name>"
            "<email>x@x.ca</email></contact><comments><![CDATA[A&B]]> & C</comments>"
            "</customer></prospect></adf>")
    assert from_adf(text).comments == "A&B & C"
