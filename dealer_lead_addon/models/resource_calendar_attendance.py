from odoo import models


class ResourceCalendarAttendance(models.Model):
    """Working hours changed: the cached at-work answers are stale."""

    _name = "resource.calendar.attendance"
    _inherit = ("resource.calendar.attendance", "dealer.at.work.cache.mixin")
