from odoo import fields, models


class MailNotification(models.Model):
    _inherit = "mail.notification"

    # texts stopped by the opt-out guard (sms.sms._send) show why on the message
    failure_type = fields.Selection(selection_add=[
        ("sms_blacklist", "Opted Out (SMS)"),
        ("dealer_no_consent", "No Consent"),
        ("dealer_uncertain", "Maybe Sent (interrupted)"),
        ("dealer_marketing_cap", "Marketing Cap Reached"),
    ])
