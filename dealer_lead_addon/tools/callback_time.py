"""When a customer asks to be called back: "appelez-moi à 15 h", "call me back at 3pm",
"rappelle-moi demain matin".

Pure functions (no Odoo). A time is read only when the words say it without doubt: 24-hour
French times ("15 h", "14 h 30", "15:30"), English times with am/pm ("3pm", "3:30 p.m."), an
hour of 8 to 12 in French ("à 10 h") or a 12-hour time with a part of the day that settles it
("at 3 in the afternoon", "à 3 h de l'après-midi"), noon/midi. Anything else that looks like an
hour ("at 3", "à 2 h", a time of today already past with no day said) is *ambiguous*: the
advisor confirms it, it is never guessed.
"""

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from .sms_keywords import normalise

MORNING, AFTERNOON, EVENING = "morning", "afternoon", "evening"

# "call me", in the forms customers text (normalised: lower case, no accents)
_CALL_REQUEST = re.compile(
    r"\b(r?appel+e[rz]?[- ]?(moi|nous)|m'?(r?appeler|telephoner)|me (r?appeler|telephoner)|"
    r"telephone[rz]?[- ]moi|r?appel+ez[- ]?moi|"
    r"call (me|us)|call back|give (me|us) a (call|ring)|ring me|phone me)\b")

_WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
    "dimanche": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}
_DAY_AFTER = re.compile(r"\b(apres[- ]demain|(the )?day after tomorrow)\b")
_TOMORROW = re.compile(r"\b(demain|tomorrow|tmrw|tmr)\b")
_TODAY = re.compile(r"\b(aujourd'?hui|today|ce matin|cet? apres[- ]midi|ce soir|tonight|"
                    r"this (morning|afternoon|evening)|tantot)\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
_PERIODS = [
    (re.compile(r"\b(matin|morning)\b"), MORNING),
    (re.compile(r"\b(apres[- ]midi|afternoon)\b"), AFTERNOON),
    (re.compile(r"\b(soir|soiree|evening|tonight|fin de journee|end of (the )?day)\b"),
     EVENING),
]
_NOON = re.compile(r"\b((?<!apres[- ])midi|noon)\b")
# 3pm, 3 pm, 3:30 p.m., 11 a.m.
_AMPM = re.compile(r"\b(\d{1,2})(?:[:h](\d{2}))?\s*([ap])\.?\s?m\b\.?")
# 15 h, 15h30, 14 h 30, 9 h
_FRENCH = re.compile(r"\b(\d{1,2})\s?h\s?(\d{2})?\b")
# 15:30, 3:30
_COLON = re.compile(r"\b(\d{1,2}):(\d{2})\b")
# "at 3", "a 3", "vers 4", "around 4": an hour without anything that settles it
_BARE = re.compile(r"\b(at|a|vers|around|before|after|avant|apres)\s+(\d{1,2})\b(?!\s?[:h\d])")


@dataclass(frozen=True)
class Callback:
    """A call-back request: when the customer wants the call.

    ``day`` is always set (today when nothing is said). ``at`` is the exact time when the
    words give one; ``period`` the part of the day ('morning', 'afternoon', 'evening') when
    only that is said; ``ambiguous`` when an hour was written that cannot be read for sure
    (then ``at`` is None and the advisor confirms).
    """

    day: date
    at: time | None = None
    period: str | None = None
    ambiguous: bool = False


def asks_callback(text):
    """Whether the text asks us to call the customer."""
    return bool(_CALL_REQUEST.search(normalise(text)))


def _day(text, today):
    if _DAY_AFTER.search(text):
        return today + timedelta(days=2), True
    if _TOMORROW.search(text):
        return today + timedelta(days=1), True
    if _TODAY.search(text):
        return today, True
    match = _WEEKDAY.search(text)
    if match:
        ahead = (_WEEKDAYS[match.group(1)] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead), True
    return today, False


def _period(text):
    for pattern, period in _PERIODS:
        if pattern.search(text):
            return period
    return None


def _twelve_hour(hour, period):
    """A 1-12 hour read with the part of the day, None when the part does not settle it."""
    if period == MORNING:
        return hour % 12 if hour <= 12 else None
    if period in (AFTERNOON, EVENING) and 1 <= hour <= 12:
        return hour % 12 + 12
    return None


def _clock(text, period):
    """``(time or None, ambiguous)`` from the hour words of ``text``."""
    match = _AMPM.search(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None, True
        return time(hour % 12 + (12 if match.group(3) == "p" else 0), minute), False
    match = _FRENCH.search(text) or _COLON.search(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            return None, True
        if hour >= 13 or (8 <= hour <= 12 and period != EVENING):
            return time(hour, minute), False
        settled = _twelve_hour(hour, period) if hour else None
        return (time(settled, minute), False) if settled is not None else (None, True)
    if _NOON.search(text):
        return time(12, 0), False
    match = _BARE.search(text)
    if match:
        settled = _twelve_hour(int(match.group(2)), period)
        return (time(settled, 0), False) if settled is not None else (None, True)
    return None, False


def parse(text, now):
    """The call-back asked for in ``text``, read at ``now`` (the customer's local time,
    naive), or None when the text does not ask for a call."""
    if not asks_callback(text):
        return None
    words = normalise(text)
    day, day_said = _day(words, now.date())
    period = _period(words)
    at, ambiguous = _clock(words, period)
    if at and not day_said and at <= now.time():
        # "call me at 3pm" written at 4 pm: today is past, tomorrow is a guess
        return Callback(day=day, ambiguous=True)
    if ambiguous:
        return Callback(day=day, period=period, ambiguous=True)
    return Callback(day=day, at=at, period=None if at else period)
