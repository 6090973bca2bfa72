"""Times and dates as customers and staff read them: OQLF in French ("9 h", "14 h 30",
"mercredi 25 novembre à 8 h"), the North American usage in English ("9 AM", "2:30 PM").

Pure functions of a local ``datetime`` (no Odoo, no locale of the server): Python's
``strftime`` names follow the server's C locale, never the customer's language.
"""

FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]


def is_french(lang):
    return (lang or "").startswith("fr")


def format_hour(local, lang):
    """'9 h', '14 h 30' in French; '9 AM', '2:30 PM' in English."""
    if is_french(lang):
        return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"
    hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    return f"{hour}:{local.minute:02d} {suffix}" if local.minute else f"{hour} {suffix}"


def format_day_and_hour(local, lang, today=None):
    """'aujourd'hui à 9 h' / 'mercredi 25 novembre à 14 h 30'; 'today at 9 AM' /
    'Wednesday, November 25 at 2:30 PM'. ``today``: the local date of now, if known."""
    hour = format_hour(local, lang)
    same_day = today is not None and local.date() == today
    if is_french(lang):
        if same_day:
            return f"aujourd'hui à {hour}"
        return f"{FR_DAYS[local.weekday()]} {local.day} {FR_MONTHS[local.month - 1]} à {hour}"
    if same_day:
        return f"today at {hour}"
    return f"{EN_DAYS[local.weekday()]}, {EN_MONTHS[local.month - 1]} {local.day} at {hour}"


def format_date_and_hour(local, lang):
    """'2026-11-25 14 h 30' in French, '2026-11-25 14:30' in English (staff notes: the ISO
    date and a 24-hour time, unambiguous for a dealership's staff)."""
    if is_french(lang):
        return f"{local:%Y-%m-%d} {format_hour(local, lang)}"
    return f"{local:%Y-%m-%d %H:%M}"
