from odoo import fields, models


class MailNotification(models.Model):
    # one area a file: the service guard's reason beside the service models
    _inherit = "mail.notification"  # pylint: disable=consider-merging-classes-inherited

    failure_type = fields.Selection(selection_add=[
        ("dealer_payment_link", "Payment Link in a Promotion"),
    ])
