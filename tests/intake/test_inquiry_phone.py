"""tools/phone.py: the one E.164 helper."""

import pytest
from dealer_tools.phone import to_e164


@pytest.mark.parametrize(("typed", "expected"), [
    ("514 555-0142", "+15145550142"),
    ("(514) 555-0142", "+15145550142"),
    ("1-514-555-0142", "+15145550142"),
    ("+1 647 555 0100", "+16475550100"),
    ("+33 1 23 45 67 89", "+33123456789"),
    ("0033 1 23 45 67 89", "+33123456789"),
])
def test_typed_numbers_become_e164(typed, expected):
    assert to_e164(typed) == expected


@pytest.mark.parametrize("typed", [
    "(000) 000-0000", "000-000-0000", "000.000.0000", "", "   ", "12345", "call me",
    "555-0142", "1" * 65, None, 5145550142,
])
def test_fake_short_or_non_text_numbers_are_none(typed):
    assert to_e164(typed) is None


def test_national_numbers_follow_the_country():
    assert to_e164("202-555-0147", "US") == "+12025550147"
    assert to_e164("01 23 45 67 89", "FR") == "+33123456789"
