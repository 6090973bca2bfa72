from odoo import models


class ResourceCalendarLeaves(models.Model):
    """Leaves or public holidays changed: the cached at-work answers are stale."""

    _name = "resource.calendar.leaves"
    _inherit = ("resource.calendar.leaves", "dealer.at.work.cache.mixin")
