from odoo import api, fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    dealer_purpose = fields.Selection(
        selection=[
            ("ack", "Acknowledgement"),
            ("sales", "Sales follow-up"),
            ("service", "Service"),
            ("marketing", "Marketing"),
            ("staff", "Staff alert"),
            ("transactional", "Transactional"),
        ],
        string="Dealer Purpose",
        help="Why this e-mail is sent by the dealer addon; consent rules depend on it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        purpose = self.env.context.get("dealer_purpose")
        if purpose:
            for vals in vals_list:
                vals.setdefault("dealer_purpose", purpose)
        return super().create(vals_list)
