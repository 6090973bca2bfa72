from datetime import UTC, timedelta

from odoo import models


class ResourceCalendar(models.Model):
    """The one answer to "are these business hours open now?" (teams, SLA policies, shifts)."""

    _inherit = "resource.calendar"

    def _dealer_is_open(self, at):
        """Whether the hours (leaves and public holidays included) cover ``at`` (naive UTC).

        No calendar means open around the clock.
        """
        if not self:
            return True
        self.ensure_one()
        start = at.replace(tzinfo=UTC)
        return bool(list(self._work_intervals_batch(start, start + timedelta(minutes=1))[False]))

    def _dealer_resources_on_shift(self, resources, at):
        """The ``resources`` whose own hours and leaves in this calendar cover ``at``."""
        self.ensure_one()
        start = at.replace(tzinfo=UTC)
        intervals = self._work_intervals_batch(
            start, start + timedelta(minutes=1), resources=resources)
        return resources.filtered(lambda resource: list(intervals[resource.id]))
