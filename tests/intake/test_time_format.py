"""tools/time_format.py: OQLF times in French, North American ones in English."""

from datetime import date, datetime

import pytest
from dealer_tools.time_format import format_date_and_hour, format_day_and_hour, format_hour


@pytest.mark.parametrize(("hour", "minute", "french", "english"), [
    (9, 0, "9 h", "9 AM"),
    (14, 30, "14 h 30", "2:30 PM"),
    (8, 5, "8 h 05", "8:05 AM"),
    (0, 0, "0 h", "12 AM"),
    (12, 0, "12 h", "12 PM"),
])
def test_hours_read_as_in_quebec_and_in_english(hour, minute, french, english):
    local = datetime(2026, 11, 25, hour, minute)
    assert format_hour(local, "fr_CA") == french
    assert format_hour(local, "en_US") == english


def test_french_hour_never_has_a_leading_zero_nor_zero_minutes():
    assert format_hour(datetime(2026, 11, 25, 9, 0), "fr_CA") != "09 h 00"


def test_another_day_names_the_day_and_month_in_the_customers_language():
    local = datetime(2026, 11, 25, 8, 0)
    assert format_day_and_hour(local, "fr_CA") == "mercredi 25 novembre à 8 h"
    assert format_day_and_hour(local, "en_US") == "Wednesday, November 25 at 8 AM"


def test_same_day_says_today():
    local = datetime(2026, 11, 25, 14, 30)
    assert format_day_and_hour(local, "fr_CA", today=date(2026, 11, 25)) == \
        "aujourd'hui à 14 h 30"
    assert format_day_and_hour(local, "en_US", today=date(2026, 11, 25)) == \
        "today at 2:30 PM"


def test_staff_notes_keep_the_iso_date_with_the_hour_of_their_language():
    local = datetime(2026, 11, 25, 14, 30)
    assert format_date_and_hour(local, "fr_CA") == "2026-11-25 14 h 30"
    assert format_date_and_hour(local, "en_US") == "2026-11-25 14:30"
