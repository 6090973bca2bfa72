from odoo import fields, models


class SmsTwilioNumber(models.Model):
    _inherit = "sms.twilio.number"

    dealer_team_id = fields.Many2one(
        "crm.team", string="Sales Team for New Leads",
        help="A text to this number from an unknown customer becomes a lead of this team "
             "(routed among its members on shift).")
