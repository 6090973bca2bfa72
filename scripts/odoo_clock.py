#!/usr/bin/env python3
"""Run odoo-bin with its wall clock starting at a chosen instant, and ticking.

    python odoo_clock.py "2026-12-01 03:00" /opt/odoo19/odoo-bin <odoo-bin arguments>

The instant is Montreal local time unless it carries an offset ("2026-12-01T03:00+09:00").
The tests must not care what time it is: this proves it by running them at an hour of our
choosing, as a dealership's server would at that hour.

- Python's clock (datetime, date, time.time...) is freezegun's ``freeze_time(instant,
  tick=True)``, started before Odoo is imported: code that reads the clock, and tests that
  do not freeze it, see the chosen hour going by; tests that freeze time still get their own
  frozen instant (freezegun stacks freezers, the innermost wins, and the outer one resumes).
- The transaction timestamp ``cr.now()`` (``create_date``, ``write_date``) is PostgreSQL's
  ``now()``, which no Python patch reaches: it is moved by the same offset, so the database
  and Python agree as they do in production. Raw SQL calling ``now()`` still sees the real
  time (the addon has none).
"""

import logging
import runpy
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import freezegun

MONTREAL = ZoneInfo("America/Montreal")


def utc_instant(text):
    """Naive UTC datetime of ``text`` (ISO 8601; Montreal time when it has no offset)."""
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=MONTREAL)
    return when.astimezone(UTC).replace(tzinfo=None)


def shift_database_clock(offset):
    """Move ``Cursor.now()`` (the transaction's database timestamp) by ``offset``."""
    # imported here: Odoo must load after the fake clock started
    from odoo.sql_db import Cursor

    database_now = Cursor.now

    def now(cr):
        if cr._now is None:
            cr._now = database_now(cr) + offset
        return cr._now

    Cursor.now = now


def main():
    instant, odoo_bin, *odoo_args = sys.argv[1:]
    sys.path[0] = str(Path(odoo_bin).resolve().parent)  # as if odoo-bin were run
    start = utc_instant(instant)
    offset = start - datetime.now(UTC).replace(tzinfo=None)
    freezegun.freeze_time(start, tick=True).start()
    # log lines show the test clock (a plain function as class attribute would get bound)
    logging.Formatter.converter = staticmethod(time.localtime)
    shift_database_clock(offset)
    print(f"odoo_clock: wall clock starts at {instant} = {start:%Y-%m-%d %H:%M} UTC",
          flush=True)
    sys.argv = [odoo_bin, *odoo_args]
    runpy.run_path(odoo_bin, run_name="__main__")


if __name__ == "__main__":
    main()
