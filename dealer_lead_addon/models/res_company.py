from odoo import api, fields, models, tools

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
        return to_e164(number, self._dealer_country_code() or "CA") or False

    def _dealer_country(self):
        """This company's country (the current company when empty): its partner's.

        Every inquiry and every text asks, and ``country_id`` computes the company's whole
        address each time: the country is cached, and the cache cleared when a company's
        partner changes country (``res.partner.write``) or a company its partner."""
        company = self[:1] or self.env.company
        return self.env["res.country"].browse(company._dealer_country_data()[0])

    def _dealer_country_code(self):
        """The ISO code of ``_dealer_country`` (False when the company has no country)."""
        return (self[:1] or self.env.company)._dealer_country_data()[1]

    @tools.ormcache("self.id")
    def _dealer_country_data(self):
        """``(id, code)`` of the company's country, ``(False, False)`` without one."""
        # sudo: the company's own address, whoever asks (public webhook, gateway user)
        country = self.sudo().partner_id.country_id
        return country.id, country.code

    @api.model
    def _dealer_forget_countries(self):
        self.env.registry.clear_cache()

    def write(self, vals):
        result = super().write(vals)
        if "partner_id" in vals:
            self._dealer_forget_countries()
        return result

    def _get_sms_api_class(self):
        """Twilio's client, plus the opt-out error 21610 (see ``tools/twilio_api.py``)."""
        api_class = super()._get_sms_api_class()
        return DealerSmsApiTwilio if api_class is SmsApiTwilio else api_class
