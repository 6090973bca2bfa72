from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    dealer_purpose = fields.Selection(
        selection=[
            ("ack", "Acknowledgement"),
            ("sales", "Sales follow-up"),
            ("service", "Service"),
            ("marketing", "Marketing"),
            ("staff", "Staff alert"),
            ("transactional", "Transactional"),
        ],
        string="Purpose",
        help="Why this text is sent; consent and quiet-hour rules depend on it.",
    )
    dealer_urgent = fields.Boolean(string="Urgent", help="Urgent texts ignore quiet hours.")

    @api.model_create_multi
    def create(self, vals_list):
        purpose = self.env.context.get("dealer_purpose")
        if purpose:
            urgent = bool(self.env.context.get("dealer_urgent"))
            for vals in vals_list:
                vals.setdefault("dealer_purpose", purpose)
                vals.setdefault("dealer_urgent", urgent)
        return super().create(vals_list)
