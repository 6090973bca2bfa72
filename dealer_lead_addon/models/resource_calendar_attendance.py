from odoo import api, models

from ..tools.on_shift_cache import clear_on_shift_cache


class ResourceCalendarAttendance(models.Model):
    """Working hours changed: the cached at-work answers are stale."""

    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        return clear_on_shift_cache(super().create(vals_list))

    def write(self, vals):
        return clear_on_shift_cache(self, super().write(vals))

    def unlink(self):
        return clear_on_shift_cache(self, super().unlink())
