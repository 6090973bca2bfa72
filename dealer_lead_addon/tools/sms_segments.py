"""How many SMS segments a text costs: GSM-7 (160 characters, 153 per part when split) unless
one character is outside the GSM 03.38 alphabet, then UCS-2 (70, 67 per part).

French is a trap: é, è, à, ù and É are GSM-7, but ê, â, î, ô, û, ç, ë, ï, œ, « » and the
curly apostrophe ’ are not, and a single one turns the whole text into UCS-2.
"""

from typing import NamedTuple

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# the extension table: each costs an escape septet plus itself
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


class SegmentInfo(NamedTuple):
    encoding: str  # 'GSM-7' or 'UCS-2'
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the limit of one segment for this text
    ucs2_chars: str  # the characters that forced UCS-2, in order of appearance


def _parts(units_per_char, per_part):
    """Parts of a multipart text: a character never straddles two parts (a GSM-7 escape pair,
    a UTF-16 surrogate pair for an emoji)."""
    parts, used = 1, 0
    for units in units_per_char:
        if used + units > per_part:
            parts, used = parts + 1, 0
        used += units
    return parts


def sms_segments(text):
    """The encoding and number of segments of ``text`` as a carrier counts them."""
    text = text or ""
    forcing = [char for char in text if char not in GSM7_BASIC and char not in GSM7_EXTENDED]
    if not forcing:
        per_char = [2 if char in GSM7_EXTENDED else 1 for char in text]
        units = sum(per_char)
        if not units:
            return SegmentInfo("GSM-7", 0, 0, GSM7_SINGLE, "")
        if units <= GSM7_SINGLE:
            return SegmentInfo("GSM-7", units, 1, GSM7_SINGLE, "")
        return SegmentInfo("GSM-7", units, _parts(per_char, GSM7_PART), GSM7_PART, "")
    per_char = [2 if ord(char) > 0xFFFF else 1 for char in text]
    units = sum(per_char)
    unique = "".join(dict.fromkeys(forcing))
    if units <= UCS2_SINGLE:
        return SegmentInfo("UCS-2", units, 1, UCS2_SINGLE, unique)
    return SegmentInfo("UCS-2", units, _parts(per_char, UCS2_PART), UCS2_PART, unique)
