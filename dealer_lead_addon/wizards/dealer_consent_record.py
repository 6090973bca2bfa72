from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.phone import to_e164

CONSENT_TEXTS = {
    "fr": "J'accepte de recevoir des textos et des courriels de %(company)s au sujet de "
          "%(topics)s. Je peux me désabonner en tout temps (ARRÊT).",
    "en": "I agree to receive texts and e-mails from %(company)s about %(topics)s. I can "
          "unsubscribe at any time (STOP).",
}
TOPICS = {
    "fr": {"sales": "mes demandes", "service": "l'entretien de mon véhicule",
           "marketing": "leurs offres et promotions"},
    "en": {"sales": "my inquiries", "service": "my vehicle's service",
           "marketing": "their offers and promotions"},
}


class DealerConsentRecord(models.TransientModel):
    """Record what a customer agreed to (or withdrew) in person, on the phone or on paper:
    appended to the consent ledger with the exact words and language."""

    _name = "dealer.consent.record"
    _description = "Record a Consent"

    lead_id = fields.Many2one("crm.lead", required=True, readonly=True)
    kind = fields.Selection(
        [("express", "Gives Consent"), ("withdrawn", "Withdraws Consent")],
        default="express", required=True)
    phone = fields.Char()
    email = fields.Char(string="E-mail")
    sales = fields.Boolean(string="Sales Follow-up", default=True)
    service = fields.Boolean(default=True)
    marketing = fields.Boolean()
    lang = fields.Selection([("fr", "French"), ("en", "English")], string="Language",
                            required=True, default="fr")
    source = fields.Char(required=True, default=lambda self: self.env._("In person"),
                         help="How the customer said it: in person, phone call, signed form...")
    consent_text = fields.Text(
        compute="_compute_consent_text", store=True, readonly=False,
        help="The exact words the customer agreed to; kept in the ledger.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        lead = self.env["crm.lead"].browse(values.get("lead_id") or self.env.context.get(
            "active_id"))
        if lead:
            values.update(lead_id=lead.id, phone=lead.phone_sanitized or lead.phone,
                          email=lead.email_normalized, lang=lead._dealer_customer_lang())
        return values

    @api.depends("kind", "sales", "service", "marketing", "lang", "lead_id")
    def _compute_consent_text(self):
        for wizard in self:
            topics = [TOPICS[wizard.lang][purpose] for purpose in wizard._purposes()]
            if wizard.kind == "withdrawn" or not topics:
                wizard.consent_text = False
                continue
            company = wizard.lead_id.company_id.name or self.env.company.name
            wizard.consent_text = CONSENT_TEXTS[wizard.lang] % {
                "company": company, "topics": ", ".join(topics)}

    def _purposes(self):
        self.ensure_one()
        return [purpose for purpose in ("sales", "service", "marketing") if self[purpose]]

    def action_record(self):
        self.ensure_one()
        if not self._purposes():
            raise UserError(self.env._("Choose what the consent is for."))
        if not self.phone and not self.email:
            raise UserError(self.env._("A consent is about a phone number or an e-mail."))
        if self.kind == "express" and not self.consent_text:
            raise UserError(self.env._("Keep the exact words the customer agreed to."))
        country = self.lead_id.country_id or self.env.company.country_id
        phone = to_e164(self.phone, country.code or "CA") or False
        self.env["dealer.consent"]._dealer_record(
            self.kind, self._purposes(), phone=phone,
            email=self.email and self.email.strip().lower(), source=self.source,
            text=self.consent_text, lang="fr_CA" if self.lang == "fr" else "en_US",
            lead=self.lead_id)
        return {"type": "ir.actions.act_window_close"}
