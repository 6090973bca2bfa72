from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dealer_quiet_hour_start = fields.Float(
        string="Quiet Hours End (morning)",
        default=8.0,
        help="Non-urgent texts are only sent from this local time of the recipient.",
    )
    dealer_quiet_hour_end = fields.Float(
        string="Quiet Hours Start (evening)",
        default=21.0,
        help="Non-urgent texts due after this local time of the recipient wait for the morning.",
    )
