"""The one E.164 helper of the addon (pure: no Odoo import).

Every channel (ADF, JSON, texts, manual consent) turns the number a customer typed into E.164
here, so a number compares equal wherever it comes from. Fax and pager numbers are the
caller's business (they are valid numbers, only not textable).
"""

import re

import phonenumbers

MAX_NUMBER_CHARS = 64
# placeholders typed into web forms: (000) 000-0000, 000.000.0000...
FAKE_NUMBER_RE = re.compile(r"[\s(+1]*0{3}[\s)\-.]*0{3}[\s\-.]*0{4}")


def to_e164(number, country_code="CA"):
    """``number`` in E.164 (``+15145550142``), or None when it is not a real, dialable number.

    :param str number: as typed, national (``514 555-0142``) or international
    :param str country_code: ISO code of the country national numbers belong to
    """
    if not isinstance(number, str):
        return None
    number = number.strip()
    if not number or len(number) > MAX_NUMBER_CHARS or FAKE_NUMBER_RE.fullmatch(number):
        return None
    if sum(char.isdigit() for char in number) < 7:
        return None
    region = (country_code or "CA").upper()
    parsed = _parse(number, region)
    if parsed is not None and not phonenumbers.is_valid_number(parsed) and (
            phonenumbers.is_possible_number_with_reason(parsed)
            == phonenumbers.ValidationResult.TOO_LONG):
        # 0033... or 33... typed for +33...: like Odoo's phone_validation
        parsed = _parse("+" + number.removeprefix("00"), region)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _parse(number, region):
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


def to_national(number, country_code="CA"):
    """``number`` written the way people of its country write it (``514 555-0142`` for a
    North American number, OQLF style without brackets), or the number as given when it
    cannot be read."""
    if not isinstance(number, str) or not number.strip():
        return number or ""
    parsed = _parse(number.strip(), (country_code or "CA").upper())
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return number
    region = phonenumbers.region_code_for_number(parsed)
    if region != (country_code or "CA").upper() and not (
            parsed.country_code == 1 and (country_code or "CA").upper() in ("CA", "US")):
        return phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    if parsed.country_code == 1:  # (514) 555-0142 -> 514 555-0142
        national = re.sub(r"^\((\d{3})\) ", r"\1 ", national)
    return national
