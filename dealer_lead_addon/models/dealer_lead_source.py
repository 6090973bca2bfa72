import secrets

from odoo import api, fields, models


class DealerLeadSource(models.Model):
    """Where inquiries come from (a lead provider, the dealer website, a marketplace): how to
    recognise it, its API key, and the defaults given to its leads."""

    _name = "dealer.lead.source"
    _description = "Lead Source"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=False)
    code = fields.Char(
        required=True, help="Short identifier used in the intake URL: /dealer_lead/intake/<code>")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    api_key = fields.Char(
        string="API Key", copy=False, groups="base.group_system",
        help="Bearer key the provider sends in 'Authorization: Bearer <key>'.")
    email_match = fields.Char(
        string="Sender Match",
        help="Comma-separated sender addresses or domains (e.g. 'cars.com, leads@kijiji.ca') "
             "that identify this source's e-mails.")
    provider_match = fields.Char(
        help="Comma-separated ADF <provider><name> values that identify this source.")
    default_lang = fields.Selection(
        [("fr_CA", "French (Canada)"), ("en_US", "English")], default="fr_CA", required=True,
        string="Default Language",
        help="Language of customers whose address, area code and text say nothing else.")
    team_id = fields.Many2one("crm.team", string="Default Team")
    utm_source_id = fields.Many2one("utm.source", string="UTM Source")
    max_payload_kb = fields.Integer(string="Max Payload (KiB)", default=512)

    _code_uniq = models.Constraint("UNIQUE(code, company_id)", "Source codes must be unique.")

    @api.model_create_multi
    def create(self, vals_list):
        sources = super().create(vals_list)
        sources._dealer_allow_senders()
        return sources

    def write(self, vals):
        result = super().write(vals)
        if "email_match" in vals:
            self._dealer_allow_senders()
        return result

    def _dealer_allow_senders(self):
        """Providers send many e-mails from one address: exempt the full sender addresses of
        the sources from the mail gateway's loop guard (20 mails in 2 h by default), which
        would otherwise drop leads."""
        Allowed = self.env["mail.gateway.allowed"].sudo()  # sudo: admin-only model
        addresses = {p.strip().lower() for source in self
                     for p in (source.email_match or "").split(",") if "@" in p}
        known = set(Allowed.search([("email_normalized", "in", list(addresses))]).mapped(
            "email_normalized"))
        Allowed.create([{"email": address} for address in addresses - known])

    def action_generate_api_key(self):
        for source in self:
            source.sudo().api_key = secrets.token_urlsafe(32)

    @api.model
    def _dealer_match_email(self, email_from, provider_name=""):
        """The active source matching a sender address or an ADF provider name, if any."""
        email_from = (email_from or "").lower()
        provider_name = (provider_name or "").strip().lower()
        for source in self.search([]):
            patterns = [p.strip().lower() for p in (source.email_match or "").split(",")]
            if email_from and any(p and p in email_from for p in patterns):
                return source
            names = [p.strip().lower() for p in (source.provider_match or "").split(",")]
            if provider_name and any(n and n == provider_name for n in names):
                return source
        return self.browse()

    def _dealer_utm_source(self, provider_name=""):
        """UTM source of this source's leads: its own, else one named after the provider."""
        if self.utm_source_id:
            return self.utm_source_id
        name = provider_name or self.name
        if not name:
            return self.env["utm.source"]
        return self.env["utm.mixin"]._find_or_create_record("utm.source", name)
