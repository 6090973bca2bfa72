from odoo import fields, models

from odoo.addons.sms_twilio.tools.sms_api import SmsApiTwilio

from ..tools.phone import to_e164
from ..tools.twilio_api import DealerSmsApiTwilio


class ResCompany(models.Model):
    _inherit = "res.company"

    sms_provider = fields.Selection(
        selection_add=[("dealer_sandbox", "Sandbox (texts stay in Odoo)")],
        ondelete={"dealer_sandbox": "set default"})
    dealer_quiet_hour_start = fields.Float(
        string="Texts Sent From",
        default=8.0,
        help="Start of the sending window: non-urgent texts leave from this local time of the "
             "recipient (before it, they wait).",
    )
    dealer_quiet_hour_end = fields.Float(
        string="Texts Sent Until",
        default=21.0,
        help="End of the sending window: non-urgent texts due after this local time of the "
             "recipient wait for the next morning.",
    )
    dealer_sms_webhook_url = fields.Char(
        string="Public SMS Webhook URL",
        help="The exact URL entered in Twilio for incoming messages (e.g. "
             "https://crm.dealer.example/dealer_lead/sms/inbound). Twilio signs this URL; leave "
             "empty to use the URL the request reached, as rebuilt from the proxy headers.")

    dealer_marketing_cap = fields.Integer(
        string="Marketing Texts per Customer", default=2,
        help="At most this many promotional texts reach a customer in the period; the "
             "others are canceled, whatever campaign, composer or automation sends them.")
    dealer_marketing_cap_days = fields.Integer(
        string="Marketing Cap Period (days)", default=30)
    dealer_tire_months = fields.Integer(
        string="Tire Service Due After (months)", default=6,
        help="Tire campaigns target vehicles whose last tire service is older than this...")
    dealer_tire_km = fields.Integer(
        string="Tire Service Due After (km)", default=10000,
        help="...or that drove this many kilometres since it.")

    def _dealer_e164(self, number):
        """``number`` in E.164, national numbers read with this company's country (the
        current company when empty); False when it is not a real phone number."""
        country = (self[:1] or self.env.company).country_id
        return to_e164(number, country.code or "CA") or False

    def _get_sms_api_class(self):
        """Twilio's client, plus the opt-out error 21610 (see ``tools/twilio_api.py``)."""
        api_class = super()._get_sms_api_class()
        return DealerSmsApiTwilio if api_class is SmsApiTwilio else api_class
