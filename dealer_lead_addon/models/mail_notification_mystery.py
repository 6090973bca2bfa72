from odoo import fields, models


class MailNotification(models.Model):
    _inherit = "mail.notification"  # pylint: disable=consider-merging-classes-inherited

    # a text about a mystery shopper test lead to any number but the test one
    failure_type = fields.Selection(selection_add=[
        ("dealer_mystery", "Mystery Shopper Test (not the test number)"),
    ])
