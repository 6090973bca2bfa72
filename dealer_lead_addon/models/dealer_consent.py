from datetime import UTC, timedelta
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.fields import Domain

CONSENT_PURPOSES = [
    ("sales", "Sales Follow-up"),
    ("service", "Service"),
    ("marketing", "Marketing"),
]
CONSENT_KINDS = [
    ("express", "Express"),
    ("implied_inquiry", "Implied (Inquiry)"),
    ("implied_purchase", "Implied (Purchase)"),
    ("withdrawn", "Withdrawn"),
]
# Canada's CASL, s. 10(10): implied consent lasts 6 months after an inquiry and 2 years after
# a purchase; express consent lasts until it is withdrawn.
IMPLIED_DURATION = {
    "implied_inquiry": relativedelta(months=6),
    "implied_purchase": relativedelta(years=2),
}
# CASL s. 11(3): the unsubscribe mechanism must work for at least 60 days after the message
UNSUBSCRIBE_LINK_DAYS = 90
UNSUBSCRIBE_SCOPE = "dealer_lead_addon-unsubscribe"
# purposes whose messages need a valid consent at the moment they are sent; the first
# answer to an inquiry ('ack'), service and keyword replies do not
PURPOSES_NEEDING_CONSENT = ("sales", "marketing")


class DealerConsent(models.Model):
    """The consent ledger: one line per event, never edited nor deleted.

    Whether a phone number or an address may receive a message of a purpose is read from the
    ledger at the moment the message is sent (``_dealer_valid_contacts``): the latest
    withdrawal cancels every earlier grant; a grant after it counts while it has not expired.
    """

    _name = "dealer.consent"
    _description = "Consent Record"
    _order = "granted_at desc, id desc"
    _rec_name = "purpose"

    phone = fields.Char(readonly=True, index="btree_not_null",
                        help="E.164 number the consent is about.")
    email = fields.Char(string="E-mail", readonly=True, index="btree_not_null",
                        help="Normalised address the consent is about.")
    purpose = fields.Selection(CONSENT_PURPOSES, required=True, readonly=True)
    kind = fields.Selection(CONSENT_KINDS, required=True, readonly=True)
    granted_at = fields.Datetime(
        string="Recorded At", required=True, readonly=True, default=fields.Datetime.now,
        help="When the customer gave (or withdrew) consent.")
    expires_at = fields.Datetime(
        string="Expires On", readonly=True,
        help="Empty for express consent, which lasts until it is withdrawn.")
    source = fields.Char(required=True, readonly=True,
                         help="How the consent was obtained (form, keyword, inquiry...).")
    consent_text = fields.Text(
        readonly=True,
        help="The exact words the customer agreed to or wrote.")
    lang = fields.Char(string="Language", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", readonly=True, required=True, default=lambda self: self.env.company)
    recorded_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user)

    _contact_required = models.Constraint(
        "CHECK(phone IS NOT NULL OR email IS NOT NULL)",
        "A consent record is about a phone number or an e-mail address.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            duration = IMPLIED_DURATION.get(vals.get("kind"))
            if duration and not vals.get("expires_at"):
                granted = fields.Datetime.to_datetime(vals.get("granted_at")) or (
                    fields.Datetime.now())
                vals["granted_at"] = granted
                vals["expires_at"] = granted + duration
        return super().create(vals_list)

    # append-only ledger: a write is refused, never passed on to super()
    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._(
            "The consent ledger cannot be changed: record a new event (e.g. a withdrawal) "
            "instead."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Consent records cannot be deleted; they are the proof."))

    # ------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------

    @api.model
    def _dealer_record(self, kind, purposes, *, phone=False, email=False, source, text=False,
                       lang=False, lead=None, partner=None, at=None):
        """Append one event per purpose for ``phone`` and/or ``email``."""
        if not phone and not email:
            return self.browse()
        lead = lead or self.env["crm.lead"]
        # sudo: every user (and the public webhook) records consent events; nobody edits them
        return self.sudo().create([{
            "phone": phone or False,
            "email": email or False,
            "purpose": purpose,
            "kind": kind,
            "granted_at": at or fields.Datetime.now(),
            "source": source,
            "consent_text": text,
            "lang": lang,
            "lead_id": lead.id or False,
            "partner_id": (partner or lead.partner_id).id or False,
            "company_id": (lead.company_id or self.env.company).id,
        } for purpose in purposes])

    # ------------------------------------------------------------
    # Reading
    # ------------------------------------------------------------

    @api.model
    def _dealer_valid_contacts(self, purpose, phones=(), emails=(), at=None):
        """The phones and e-mails among those given that hold a valid ``purpose`` consent.

        :return: set of the valid phones and e-mails
        """
        at = at or fields.Datetime.now()
        phones, emails = [p for p in phones if p], [e for e in emails if e]
        if not phones and not emails:
            return set()
        contact = Domain.OR([
            *([[("phone", "in", phones)]] if phones else []),
            *([[("email", "in", emails)]] if emails else []),
        ])
        # sudo: the guard reads the ledger whoever sends
        events = self.sudo().search_fetch(
            Domain.AND([contact, [("purpose", "=", purpose), ("granted_at", "<=", at)]]),
            ["phone", "email", "kind", "expires_at", "granted_at"],
            order="granted_at desc, id desc")
        valid, decided = set(), set()
        for event in events:  # newest first: the first word on a contact is the one that counts
            for key in (event.phone, event.email):
                if not key or key in decided or key not in phones + emails:
                    continue
                if event.kind == "withdrawn":
                    decided.add(key)
                elif not event.expires_at or event.expires_at > at:
                    decided.add(key)
                    valid.add(key)
        return valid

    # ------------------------------------------------------------
    # Opt-out / opt-in of a phone number
    # ------------------------------------------------------------

    @api.model
    def _dealer_opt_out_numbers(self, numbers, *, source, text=False, lang=False):
        """Opt ``numbers`` (E.164) out of every text at once: Odoo's opt-out list, one
        withdrawal per purpose in the ledger, and their leads leave their sequences.

        :return: the numbers that were not opted out before
        """
        # sudo: opting out is the customer's right, whoever relays it (webhook, provider error)
        Blacklist = self.env["phone.blacklist"].sudo()
        before = set(Blacklist.search([("number", "in", numbers)]).mapped("number"))
        Blacklist._add(numbers, message=self.env._("Opted out: %(how)s", how=source))
        # sudo: every lead with the number leaves its sequence, whoever owns it
        leads = self.env["crm.lead"].sudo().search([("phone_sanitized", "in", numbers)])
        for number in numbers:
            lead = leads.filtered(lambda lead, n=number: lead.phone_sanitized == n)[:1]
            self._dealer_record("withdrawn", [key for key, _label in CONSENT_PURPOSES],
                                phone=number, source=source, text=text, lang=lang, lead=lead)
        leads._dealer_sequence_stop("opted_out")
        return [number for number in numbers if number not in before]

    @api.model
    def _dealer_opt_in_number(self, number, *, source, text=False, lang=False, lead=None):
        """The customer asked for texts again (START): off the opt-out list, and an express
        consent for sales and service texts (marketing needs its own consent)."""
        # sudo: the customer's own request, relayed by the webhook
        self.env["phone.blacklist"].sudo()._remove(
            [number], message=self.env._("Opted in again: %(how)s", how=source))
        self._dealer_record("express", ["sales", "service"], phone=number, source=source,
                            text=text, lang=lang, lead=lead)

    # ------------------------------------------------------------
    # Opt-out of an e-mail address (unsubscribe link)
    # ------------------------------------------------------------

    @api.model
    def _dealer_unsubscribe_signature(self, email, expires):
        # sudo: reads database.secret, the key of the signature
        return tools.hmac(self.env(su=True), UNSUBSCRIBE_SCOPE, f"{email}|{expires}")

    @api.model
    def _dealer_unsubscribe_url(self, email, lang):
        """A signed link that lets ``email`` opt out of our e-mails, valid 90 days."""
        expires = int((fields.Datetime.now() + timedelta(days=UNSUBSCRIBE_LINK_DAYS)).replace(
            tzinfo=UTC).timestamp())
        query = urlencode({"email": email, "expires": expires, "lang": lang,
                           "token": self._dealer_unsubscribe_signature(email, expires)})
        return f"{self.get_base_url()}/dealer_lead/unsubscribe?{query}"

    @api.model
    def _dealer_unsubscribe_refusal(self, email, expires, token):
        """Why an unsubscribe link is refused ('forged' or 'expired'), or None if valid."""
        try:
            expires = int(expires or 0)
        except ValueError:
            return "forged"
        expected = self._dealer_unsubscribe_signature(email or "", expires)
        if not email or not token or not tools.consteq(expected, token):
            return "forged"
        if expires < fields.Datetime.now().replace(tzinfo=UTC).timestamp():
            return "expired"
        return None

    @api.model
    def _dealer_opt_out_email(self, email, *, source, lang=False):
        """Opt ``email`` out of our e-mails at once: Odoo's opt-out list, a withdrawal per
        purpose, and its leads leave their sequences."""
        # sudo: opting out is the customer's right, relayed by a public link
        self.env["mail.blacklist"].sudo()._add(email, message=self.env._(
            "Opted out: %(how)s", how=source))
        # sudo: every lead with the address leaves its sequence, whoever owns it
        leads = self.env["crm.lead"].sudo().search([("email_normalized", "=", email)])
        self._dealer_record("withdrawn", [key for key, _label in CONSENT_PURPOSES],
                            email=email, source=source, lang=lang, lead=leads[:1])
        leads._dealer_sequence_stop("opted_out")
