from datetime import UTC, timedelta

from odoo import models, tools


class ResourceCalendar(models.Model):
    """The one answer to "are these business hours open now?" (teams, SLA policies, shifts).

    Every inquiry asks it several times (routing, the acknowledgement's after-hours variant,
    who is offered an up-for-grabs lead) and Odoo's ``_work_intervals_batch`` reads the
    attendances, leaves and time zones each time: the answer for one moment is cached, and
    the cache is cleared whenever hours, leaves or resources change
    (``dealer.at.work.cache.mixin``).
    """

    _name = "resource.calendar"
    _inherit = ("resource.calendar", "dealer.at.work.cache.mixin")

    def _dealer_is_open(self, at):
        """Whether the hours (leaves and public holidays included) cover ``at`` (naive UTC).

        No calendar means open around the clock.
        """
        if not self:
            return True
        self.ensure_one()
        return 0 in self._dealer_at_work_ids((), at)

    @tools.ormcache("self.id", "resource_ids", "at")
    def _dealer_at_work_ids(self, resource_ids, at):
        """Ids of the resources at work at ``at`` in this calendar; 0 stands for the
        calendar's own hours (no resource), asked when ``resource_ids`` is empty."""
        start = at.replace(tzinfo=UTC)
        if not resource_ids:
            intervals = self._work_intervals_batch(start, start + timedelta(minutes=1))
            return frozenset([0] if list(intervals[False]) else [])
        resources = self.env["resource.resource"].browse(resource_ids)
        intervals = self._work_intervals_batch(
            start, start + timedelta(minutes=1), resources=resources)
        return frozenset(rid for rid in resource_ids if list(intervals[rid]))
