"""tools/callback_time.py: call-back requests in French and English, never a guessed hour."""

from datetime import date, datetime, time

import pytest
from dealer_tools.callback_time import AFTERNOON, EVENING, MORNING, Callback, parse

# Tuesday 1 December 2026, 10:00 in the customer's time zone
NOW = datetime(2026, 12, 1, 10, 0)
TODAY = date(2026, 12, 1)
TOMORROW = date(2026, 12, 2)


@pytest.mark.parametrize(("text", "expected"), [
    # French, 24-hour clock
    ("Appelez-moi à 15 h", Callback(TODAY, time(15, 0))),
    ("appelez moi a 15h", Callback(TODAY, time(15, 0))),
    ("Rappelez-moi à 14 h 30 svp", Callback(TODAY, time(14, 30))),
    ("Pouvez-vous m'appeler vers 16h15?", Callback(TODAY, time(16, 15))),
    ("Rappelle-moi à 11 h", Callback(TODAY, time(11, 0))),
    ("rappelle-moi demain à 9 h", Callback(TOMORROW, time(9, 0))),
    ("Appelez-moi à 3 h de l'après-midi", Callback(TODAY, time(15, 0))),
    ("Appelez-moi ce soir à 8 h", Callback(TODAY, time(20, 0))),
    ("Appelez-moi à midi", Callback(TODAY, time(12, 0))),
    ("Me rappeler à 13:45 merci", Callback(TODAY, time(13, 45))),
    # French, a part of the day only
    ("Rappelle-moi demain matin", Callback(TOMORROW, period=MORNING)),
    ("Rappelez-moi cet après-midi", Callback(TODAY, period=AFTERNOON)),
    ("Appelez-moi jeudi en fin de journée", Callback(date(2026, 12, 3), period=EVENING)),
    ("Rappelez-moi après-demain", Callback(date(2026, 12, 3))),
    # English
    ("call me back at 3pm", Callback(TODAY, time(15, 0))),
    ("Call me at 3:30 p.m.", Callback(TODAY, time(15, 30))),
    ("Can you call me tomorrow at 11 am?", Callback(TOMORROW, time(11, 0))),
    ("give me a call at noon", Callback(TODAY, time(12, 0))),
    ("Call me at 4 in the afternoon", Callback(TODAY, time(16, 0))),
    ("call me back tomorrow morning", Callback(TOMORROW, period=MORNING)),
    ("Please call me Monday", Callback(date(2026, 12, 7))),
    ("call me this evening", Callback(TODAY, period=EVENING)),
    # no time said: as soon as possible
    ("Appelez-moi SVP", Callback(TODAY)),
    ("call me", Callback(TODAY)),
])
def test_callback_times(text, expected):
    assert parse(text, NOW) == expected


@pytest.mark.parametrize("text", [
    "call me at 3",            # 3 am or 3 pm?
    "Appelez-moi à 3 h",       # 3 h du matin, written; 15 h, spoken
    "appelle-moi vers 4",
    "call me back around 5",
    "rappelez-moi à 2 h demain",
])
def test_ambiguous_hours_are_left_to_the_advisor(text):
    callback = parse(text, NOW)
    assert callback.ambiguous
    assert callback.at is None


def test_a_time_already_past_today_is_not_moved_to_tomorrow():
    callback = parse("call me back at 9am", NOW)
    assert callback == Callback(TODAY, ambiguous=True)


def test_a_past_time_with_a_day_said_is_that_day():
    assert parse("call me tomorrow at 9am", NOW) == Callback(TOMORROW, time(9, 0))


@pytest.mark.parametrize("text", [
    "OUI", "C", "Merci, à demain 15 h", "I am free at 3pm", "Is my car ready?", "",
])
def test_texts_that_ask_for_no_call(text):
    assert parse(text, NOW) is None


def test_i_am_is_not_the_morning():
    assert parse("call me, I am free at 3", NOW).ambiguous
