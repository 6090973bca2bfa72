"""Texts, plain e-mails, leads typed in Odoo, the language rules and the request body."""

import io

import pytest
from dealer_tools.inquiry import (
    InquiryError,
    decode_body,
    detect_lang,
    from_lead_values,
    from_plain_email,
    from_sms,
    normalise_email,
    raw_text,
    read_limited,
    require_reachable,
)


def test_sms_is_the_sender_s_mobile_and_the_text_with_its_media():
    inquiry = from_sms("+15145550142", "Bonjour, la voiture est disponible?",
                       ["https://m.example/1.jpg"], default_lang="en_US")
    assert [(p.e164, p.type, p.origin) for p in inquiry.phones] == [
        ("+15145550142", "mobile", "sms:From")]
    assert inquiry.comments.endswith("https://m.example/1.jpg")
    assert inquiry.extras == {"media": ["https://m.example/1.jpg"]}
    assert inquiry.lang == "fr_CA"


def test_sms_media_must_be_a_list_of_strings():
    with pytest.raises(InquiryError) as caught:
        from_sms("+15145550142", "hi", "https://m.example/1.jpg")
    assert caught.value.code == "wrong_type"


def test_plain_email_is_its_sender_and_text():
    inquiry = from_plain_email("Ana <ANA@Example.com>", "Hello, I would like a test drive please")
    assert inquiry.emails == ("ana@example.com",)
    assert inquiry.lang == "en_US"
    assert inquiry.phones == ()


def test_lead_values_of_the_website_form():
    inquiry = from_lead_values({"contact_name": "Ana", "email_from": "ana@example.com",
                                "phone": "613 555 0100", "mobile": "613 555 0199",
                                "region": "on", "lang": "en_US"}, default_lang="fr_CA")
    assert [p.e164 for p in inquiry.phones] == ["+16135550199", "+16135550100"]
    assert (inquiry.name, inquiry.lang, inquiry.address.region) == ("Ana", "en_US", "ON")


def test_an_unreachable_inquiry_is_refused():
    with pytest.raises(InquiryError) as caught:
        require_reachable(from_plain_email("", "no address"))
    assert caught.value.code == "unreachable"


@pytest.mark.parametrize(("kwargs", "lang"), [
    ({"explicit": "fr"}, "fr_CA"),
    ({"explicit": "en-CA", "region": "QC"}, "en_US"),
    ({"region": "qc", "default_lang": "en_US"}, "fr_CA"),
    ({"e164s": ["+14185550100"], "default_lang": "en_US"}, "fr_CA"),
    ({"e164s": ["+16135550100"], "default_lang": "en_US"}, "en_US"),
    ({"comments": "Bonjour, je voudrais un essai", "default_lang": "en_US"}, "fr_CA"),
    ({"comments": "Hello, I would like a test drive"}, "en_US"),
    ({"comments": "Hello, I would like a test drive", "default_lang": "fr_CA"}, "fr_CA"),
    ({}, "fr_CA"),
])
def test_language_rules(kwargs, lang):
    assert detect_lang(**kwargs) == lang


def test_email_normalisation():
    assert normalise_email(" Ana Lee <Ana.Lee@Example.CA> ") == "ana.lee@example.ca"
    assert normalise_email("not an address") is None
    assert normalise_email(42) is None


@pytest.mark.parametrize(("data", "charset", "text"), [
    ("Montréal".encode(), None, "Montréal"),
    (b"\xef\xbb\xbf{}", None, "{}"),
    (b"{}", "UTF-8", "{}"),
])
def test_accepted_encodings(data, charset, text):
    assert decode_body(data, charset) == text


@pytest.mark.parametrize(("data", "charset", "code"), [
    (b"{\x00}", None, "nul_byte"),
    ("<adf/>".encode("utf-16-le"), None, "nul_byte"),
    (b"caf\xe9", None, "invalid_encoding"),
    (b"{}", "latin-1", "unsupported_charset"),
    ("<adf/>".encode("utf-16"), None, "unsupported_charset"),
    ("<adf/>".encode("utf-16-be"), "utf-16be", "unsupported_charset"),
])
def test_refused_encodings(data, charset, code):
    with pytest.raises(InquiryError) as caught:
        decode_body(data, charset)
    assert caught.value.code == code


def test_raw_text_keeps_every_byte_storable():
    assert raw_text(b"a\x00b\xe9") == "a\\x00b\\xe9"


class Trickle(io.RawIOBase):
    """A chunked upload: a few bytes per read, as much as it likes."""

    def __init__(self, size):
        self.left = size
        self.reads = 0

    def readable(self):
        return True

    def read(self, size=-1):
        self.reads += 1
        count = min(self.left, 1000, size if size >= 0 else self.left)
        self.left -= count
        return b"x" * count


def test_read_limited_reads_at_most_one_byte_more_than_the_limit():
    stream = Trickle(10 * 1024 * 1024)
    data, truncated = read_limited(stream, 5000)
    assert (len(data), truncated) == (5000, True)
    assert stream.left == 10 * 1024 * 1024 - 5001


def test_read_limited_at_the_limit_is_not_truncated():
    assert read_limited(io.BytesIO(b"x" * 5000), 5000) == (b"x" * 5000, False)
    assert read_limited(io.BytesIO(b""), 5000) == (b"", False)
