from odoo import fields, models

from .dealer_mystery_shopper import MANAGERS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    dealer_mystery_phone = fields.Char(related="company_id.dealer_mystery_phone", readonly=False,
                                       groups=MANAGERS)
    dealer_mystery_email = fields.Char(related="company_id.dealer_mystery_email", readonly=False,
                                       groups=MANAGERS)
