"""Quiet hours: when a non-urgent text may reach the customer, in their local time.

All datetimes in and out are naive UTC, like Odoo's ``fields.Datetime``.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zones(names):
    """The valid time zones among ``names`` (unknown ones ignored), without duplicates."""
    found = {}
    for name in names or ():
        zone = _zone(name) if name else None
        if zone:
            found[name] = zone
    return list(found.values())


def _minutes(hours):
    return round(hours * 60)


def _allowed(local, start, end):
    minute = local.hour * 60 + local.minute
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end  # a window across midnight (night shift)


def _next_start(local, start):
    """The next local datetime (same or next day) at ``start`` minutes past midnight."""
    day = local.date()
    candidate = datetime(day.year, day.month, day.day, start // 60, start % 60,
                         tzinfo=local.tzinfo)
    if candidate <= local:
        day = day + timedelta(days=1)
        candidate = datetime(day.year, day.month, day.day, start // 60, start % 60,
                             tzinfo=local.tzinfo)
    return candidate


def is_allowed(at, tz_names, start=8.0, end=21.0):
    """Whether ``at`` (naive UTC) is inside the allowed hours in every zone of ``tz_names``."""
    moment = at.replace(tzinfo=UTC)
    return all(_allowed(moment.astimezone(zone), _minutes(start), _minutes(end))
               for zone in zones(tz_names))


def next_allowed(at, tz_names, start=8.0, end=21.0):
    """The first minute at or after ``at`` allowed in every zone of ``tz_names``.

    Texts are allowed from ``start`` to ``end`` (hours, local time of the recipient, e.g. 8.0
    and 21.0). When several zones apply (the number's region and the customer's address), the
    stricter wins: the result is allowed in all of them. Local times are converted through
    the zone rules of that very day, so daylight-saving changes are honoured.

    :return: naive UTC datetime, ``at`` itself when it is allowed already
    """
    start_minute, end_minute = _minutes(start), _minutes(end)
    candidates = zones(tz_names)
    moment = at.replace(tzinfo=UTC)
    for _attempt in range(8):  # each move lands on a window start; zones converge quickly
        moved = False
        for zone in candidates:
            local = moment.astimezone(zone)
            if not _allowed(local, start_minute, end_minute):
                opening = _next_start(local, start_minute).astimezone(UTC)
                if opening > moment:
                    moment, moved = opening, True
        if not moved:
            break
    if moment == at.replace(tzinfo=UTC):
        return at
    return moment.replace(tzinfo=None, second=0, microsecond=0)
