from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    dealer_alert_mobile = fields.Char(
        string="Lead Alert Mobile",
        help="Own mobile number where this salesperson is texted about new leads.")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["dealer_alert_mobile"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["dealer_alert_mobile"]
