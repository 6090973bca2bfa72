from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dealer_quiet_hour_start = fields.Float(
        related="company_id.dealer_quiet_hour_start", readonly=False
    )
    dealer_quiet_hour_end = fields.Float(related="company_id.dealer_quiet_hour_end", readonly=False)
