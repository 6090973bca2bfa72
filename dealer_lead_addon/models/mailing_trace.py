from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    # the SMS guard's own reasons, written on the campaign's traces like Odoo's
    failure_type = fields.Selection(selection_add=[
        ("dealer_no_consent", "No Consent"),
        ("dealer_uncertain", "Maybe Sent (interrupted)"),
        ("dealer_marketing_cap", "Marketing Cap Reached"),
    ])
