import json

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import sms_keywords
from ..tools.concurrency import CONCURRENCY_ERRORS

_lt = LazyTranslate(__name__)
FROM_STAFF = _lt("Sent from a staff member's alert mobile: no lead created.")


class DealerSmsInbound(models.Model):
    """One text received from a customer, kept exactly as Twilio posted it before anything
    else happens.

    Then: a keyword (STOP, START, HELP and their French forms) is obeyed; the text is posted on
    the customer's open lead (or contact) as the customer's message, the salesperson is
    alerted and the SLA clock starts; a text from an unknown number becomes a new lead through
    the intake pipeline. What fails stays here, quarantined with its reason.
    """

    _name = "dealer.sms.inbound"
    _description = "Inbound Text"
    _inherit = "dealer.raw.inbox.mixin"
    _order = "id desc"
    _rec_name = "message_sid"

    message_sid = fields.Char(string="Message SID", required=True, readonly=True)
    account_sid = fields.Char(string="Account SID", readonly=True)
    from_number = fields.Char(string="From", readonly=True, index=True)
    to_number = fields.Char(string="To", readonly=True)
    body = fields.Text(readonly=True)
    media_urls = fields.Text(string="Media", readonly=True, help="One link per line.")
    raw_params = fields.Json(string="Raw Request", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company)
    state = fields.Selection(
        selection_add=[("posted", "Posted"), ("keyword", "Keyword"), ("lead", "New Lead"),
                       ("staff", "From Staff")],
        ondelete={"posted": "set default", "keyword": "set default", "lead": "set default",
                  "staff": "set default"})
    keyword = fields.Selection(
        [("stop", "Opt-out"), ("start", "Opt-in"), ("help", "Help")], readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null")
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    intake_id = fields.Many2one("dealer.lead.intake", readonly=True)
    posted_message_id = fields.Many2one("mail.message", readonly=True)

    _message_sid_uniq = models.Constraint(
        "UNIQUE(message_sid)", "This Twilio message was already received.")

    # ------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------

    @api.model
    def _dealer_company_for(self, params):
        """The company a webhook is for: the owner of the Twilio number it was sent to, else
        of the Twilio account. Empty when unknown (then nothing can check its signature)."""
        # sudo: the webhook is public; only the company's own token is read, to check the
        # signature
        Company = self.env["res.company"].sudo()
        to_number = self._dealer_e164(params.get("To") or "")
        number = self._dealer_twilio_number(to_number)
        if number:
            return number.company_id
        account = params.get("AccountSid")
        return Company.search([("sms_provider", "in", ("twilio", "dealer_sandbox")),
                               ("sms_twilio_account_sid", "=", account)], limit=1) if (
            account) else Company

    @api.model
    def _dealer_twilio_number(self, number):
        """Our ``sms.twilio.number`` matching ``number`` (any format)."""
        # sudo: the webhook is public; the dealer's own numbers are configuration
        return self.env["sms.twilio.number"].sudo().search([("number", "!=", False)]).filtered(
            lambda n: self._dealer_e164(n.number) == number)[:1]

    @api.model
    def _dealer_receive(self, params, company):
        """Keep the text (signature already checked). The same MessageSid twice changes
        nothing the second time.

        :return: ``(inbound, is_new)``
        """
        sid = params.get("MessageSid") or params.get("SmsMessageSid")
        # sudo: the signature was checked; inbound texts are system records
        Inbound = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        existing = Inbound.search([("message_sid", "=", sid)], limit=1)
        if existing:
            return existing, False
        media = [params.get(f"MediaUrl{index}") for index in range(
            self._dealer_media_count(params))]
        try:
            with self.env.cr.savepoint():
                inbound = Inbound.create({
                    "message_sid": sid,
                    "account_sid": params.get("AccountSid"),
                    "from_number": self._dealer_e164(params.get("From") or "") or params.get(
                        "From"),
                    "to_number": params.get("To"),
                    "body": params.get("Body") or "",
                    "media_urls": "\n".join(url for url in media if url) or False,
                    "raw_params": params,
                    "company_id": company.id,
                })
        except IntegrityError:  # the same text, posted twice at the same moment
            return Inbound.search([("message_sid", "=", sid)], limit=1), False
        return inbound, True

    @api.model
    def _dealer_media_count(self, params):
        try:
            return max(0, min(int(params.get("NumMedia") or 0), 10))
        except ValueError:
            return 0

    @api.model
    def _dealer_e164(self, number):
        """``number`` in E.164 with the company's country (Twilio sends E.164 already)."""
        return self.env.company._dealer_e164(number)

    # ------------------------------------------------------------
    # Processing
    # ------------------------------------------------------------

    def _dealer_process(self):
        """keyword -> post on the customer's lead or contact -> or a new lead; never raises
        but for concurrency errors (Odoo retries the whole webhook request)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                staff = self._dealer_staff_sender()
                if staff:
                    self._dealer_obey_staff(staff)
                    return
                self._dealer_obey_keyword()
                self._dealer_route_text()
        except CONCURRENCY_ERRORS:
            raise
        except Exception:  # noqa: BLE001 nothing may be lost: keep it visible
            self._dealer_inbox_internal_error()

    def _dealer_inbox_process(self):
        self._dealer_process()

    def _dealer_find_lead(self):
        """The customer's most recent open lead with this number."""
        return self.env["crm.lead"].search([
            ("phone_sanitized", "=", self.from_number),
            ("won_status", "=", "pending"),
            ("company_id", "in", [self.company_id.id, False]),
        ], order="id desc", limit=1)

    def _dealer_find_partner(self):
        return self.env["res.partner"].search(
            [("phone_sanitized", "=", self.from_number)], order="id desc", limit=1)

    def _dealer_find_staff(self):
        """Internal users whose lead-alert mobile is the sender's number."""
        # sudo: only the alert mobiles are compared, nothing is returned to the sender
        users = self.env["res.users"].sudo().search([("dealer_alert_mobile", "!=", False),
                                                     ("share", "=", False)])
        return users.filtered(lambda user: self._dealer_e164(
            user.dealer_alert_mobile) == self.from_number)

    def _dealer_staff_sender(self):
        """The staff member whose alert mobile sent this text when it is a command or a reply
        for a customer (see ``dealer.staff.command``); STOP and START from a staff mobile stay
        keywords (they stop or restart the alert texts)."""
        kind, _lang = sms_keywords.classify(self.body)
        if kind in (sms_keywords.STOP, sms_keywords.START) or not self.from_number:
            return self.env["res.users"]
        return self._dealer_find_staff()[:1]

    def _dealer_obey_staff(self, user):
        self.write({"state": "staff", **self._dealer_reason_vals(FROM_STAFF)})
        self.env["dealer.staff.command"]._dealer_handle(self, user)

    def _dealer_obey_keyword(self):
        kind, lang = sms_keywords.classify(self.body)
        if not kind or not self.from_number:
            return
        self.keyword = kind
        lead = self._dealer_find_lead()
        lang = lang or self._dealer_reply_lang(lead)
        source = self.env._("text %(sid)s", sid=self.message_sid)
        Consent = self.env["dealer.consent"]
        send = False
        if kind == "stop":
            send = bool(Consent._dealer_opt_out_numbers(
                [self.from_number], source=source, text=self.body, lang=lang))
        elif kind == "start":
            Consent._dealer_opt_in_number(self.from_number, source=source, text=self.body,
                                          lang=lang, lead=lead)
            send = True
        else:
            send = True
        if send:  # one confirmation per change: a repeated STOP gets no second text
            self._dealer_keyword_reply(kind, lang, lead)

    def _dealer_reply_lang(self, lead):
        if lead:
            return lead._dealer_customer_lang()
        partner = self._dealer_find_partner()
        if partner.lang:
            return "fr" if partner.lang.startswith("fr") else "en"
        intake = self.env["dealer.lead.intake"]
        detected = intake._dealer_detect_lang({"phones": [{"e164": self.from_number}],
                                               "comments": self.body})
        return "fr" if detected.startswith("fr") else "en"

    def _dealer_keyword_reply(self, kind, lang, lead):
        template = self.env.ref(f"dealer_lead_addon.sms_template_keyword_{kind}_{lang}")
        body = self.env["dealer.outbound"]._render_sms(template, self, lang)
        self.env["dealer.outbound"]._send_sms(
            lead or self, body, purpose="keyword", urgent=True, number=self.from_number,
            partner=lead.partner_id if lead else None)

    def _dealer_route_text(self):
        """Post the text where the conversation lives, or open a lead."""
        lead = self._dealer_find_lead()
        if lead:
            # nobody owns the lead: its team leader hears about the text
            self._dealer_post_on(lead, lead.user_id or lead.team_id.user_id)
            self.write({"state": "keyword" if self.keyword else "posted", "lead_id": lead.id})
            if not self.keyword:
                lead._dealer_customer_engaged("sms", self.posted_message_id)
            return
        partner = self._dealer_find_partner()
        if partner:
            self._dealer_post_on(partner, partner.user_id)
            self.write({"state": "keyword" if self.keyword else "posted",
                        "partner_id": partner.id})
            return
        if self.keyword:
            self.state = "keyword"
            return
        if self._dealer_find_staff():
            # a salesperson answering a lead alert on their own mobile is not a new customer
            self.write({"state": "staff", **self._dealer_reason_vals(FROM_STAFF)})
            return
        self._dealer_create_lead()

    def _dealer_message_text(self):
        """The text as the customer wrote it, then its media links (made clickable)."""
        media = [url for url in (self.media_urls or "").split("\n") if url]
        return "\n".join([self.body or "", *media]).strip()

    def _dealer_post_on(self, record, salesperson):
        """The customer's text on ``record``'s chatter, written by the customer; the
        salesperson is notified and texted on their alert mobile."""
        partner = record if record._name == "res.partner" else record.partner_id
        salesperson = salesperson if salesperson and not salesperson.share else (
            self.env["res.users"])
        # sudo: the webhook runs as the public user; the text is the customer's own words
        message = record.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=self._dealer_message_text(),
            author_id=partner.id or False,
            email_from=self.from_number if not partner else False,
            message_type="sms",
            subtype_xmlid="mail.mt_comment",
            partner_ids=salesperson.partner_id.ids,
        )
        self.posted_message_id = message
        if salesperson and not self.keyword:
            name = (record._dealer_customer_name() if record._name == "crm.lead"
                    else partner.name) or self.from_number
            # the posted text itself is the salesperson's inbox notification
            self.env["dealer.staff.alert"]._alert(
                record, salesperson,
                _lt("Text from %(name)s: %(body)s", name=name, body=(self.body or "")[:100]),
                notify=False, kind="customer_text",
                subject=_lt("Text from %(name)s", name=name))
        return message

    def _dealer_create_lead(self):
        """An unknown number: a new inquiry through the intake pipeline, like any channel."""
        payload = {"from": self.from_number, "body": self.body,
                   "media": [url for url in (self.media_urls or "").split("\n") if url]}
        team = self._dealer_twilio_number(self._dealer_e164(self.to_number)).dealer_team_id
        intake, _outcome = self.env["dealer.lead.intake"]._dealer_receive("sms", {
            "company_id": self.company_id.id,
            "raw_payload": json.dumps(self.raw_params, ensure_ascii=False),
            "payload": json.dumps(payload, ensure_ascii=False),
            "content_type": "application/x-www-form-urlencoded",
            "custom_values": {"team_id": team.id} if team else {},
        })
        self.write({"intake_id": intake.id, "lead_id": intake.lead_id.id})
        if not intake.lead_id:
            # the intake is quarantined (and its managers alerted): fixed and retried there
            self.write({"state": "quarantined", "reason_code": intake.reason_code,
                        **self._dealer_reason_vals(intake.reason_template,
                                                   intake.reason_params)})
            return
        self.state = "lead"
        self._dealer_post_on(intake.lead_id, intake.lead_id.user_id)
