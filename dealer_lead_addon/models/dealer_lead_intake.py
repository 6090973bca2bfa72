import email
import email.policy
import hashlib
import json
import logging

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, LazyTranslate, email_normalize, html2plaintext, plaintext2html

from ..tools import adf
from ..tools import inquiry as inquiry_tools
from ..tools.concurrency import CONCURRENCY_ERRORS, read_committed_cursor, try_xact_locks
from ..tools.records import data_record

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)
NO_CONTACT = _lt("There is no way to reach the customer (no valid e-mail or phone).")


class IntakeRefused(Exception):
    """The inquiry cannot become a lead.

    ``template``: the reason, a lazy translation or an English template with its ``params``
    (rendered in each reader's language, see ``dealer.raw.inbox.mixin``).
    ``payload``: a cleaner payload to show the manager (e.g. the unescaped ADF block).
    ``code``: the stable reason code kept on the intake (the HTTP status is mapped from it).
    """

    def __init__(self, template, payload=None, code="invalid", params=None):
        super().__init__(template)
        self.template = template
        self.params = params or {}
        self.payload = payload
        self.code = code


class DuplicateManualLead(UserError):
    """A salesperson typed in a lead for a customer who has an open lead: the form says so."""


def advisory_lock_id(key):
    """A stable signed 64-bit id for ``pg_advisory_xact_lock`` of a dedupe key."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"dealerlead").digest()
    return int.from_bytes(digest, "big", signed=True)


class DealerLeadIntake(models.Model):
    """One inquiry as received, kept before anything is parsed.

    Every channel (ADF e-mail, plain e-mail, HTTP API, website form, manual entry) creates one of
    these first, then runs the same steps: parse -> dedupe -> create or attach -> route ->
    acknowledge (after commit) -> start the SLA. What cannot be processed stays here, quarantined
    with its reason, until a manager fixes it and clicks Retry.
    """

    _name = "dealer.lead.intake"
    _description = "Lead Intake"
    _inherit = "dealer.raw.inbox.mixin"
    _order = "id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", search="_search_name")
    channel = fields.Selection(
        [("email", "E-mail"), ("http", "HTTP API"), ("web", "Website Form"),
         ("manual", "Manual"), ("sms", "Text Message")], required=True, readonly=True)
    state = fields.Selection(
        selection_add=[("attached", "Attached to Lead"), ("created", "Lead Created")],
        ondelete={"attached": "set default", "created": "set default"})
    raw_truncated = fields.Boolean(
        string="Body Cut at the Limit", readonly=True,
        help="The request body was larger than the limit: only its beginning is kept.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    source_id = fields.Many2one("dealer.lead.source", index=True)
    provider_lead_id = fields.Char(
        string="Provider Lead ID", readonly=True, index="btree_not_null",
        help="Only set on the intake that created the lead: a repeat of the same id is "
             "attached, never created twice.")
    provider_ref = fields.Char(
        string="Provider Reference", readonly=True,
        help="Provider lead id as read from this inquiry.")
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null")
    content_type = fields.Char(readonly=True)
    email_from = fields.Char(readonly=True)
    message_ref = fields.Char(string="Message-Id", readonly=True)
    raw_payload = fields.Text(
        readonly=True, help="The inquiry exactly as received (e-mail source, request body).")
    payload = fields.Text(
        help="The part of the inquiry the parser reads (the ADF document, the JSON body, the "
             "e-mail text). Fix it here and click Retry.")
    custom_values = fields.Json(readonly=True)
    parsed_data = fields.Json(readonly=True)
    field_origin = fields.Json(
        readonly=True, help="Where each lead field came from.")
    extras = fields.Json(readonly=True, help="Tags the parser does not map, kept as received.")

    _provider_lead_uniq = models.UniqueIndex(
        "(source_id, provider_lead_id) WHERE provider_lead_id IS NOT NULL",
        "This provider lead id was already received from this source.")

    @api.depends("received_at")
    def _compute_name(self):
        """INQ/<year received>/<id>: the id numbers the inquiries. Computed, not stored: an
        ``ir.sequence``, or a name written after the id is known, would cost queries at every
        inquiry."""
        for intake in self:
            intake.name = (f"INQ/{intake.received_at.year}/{intake.id:06d}"
                           if intake.id and intake.received_at else "/")

    def _search_name(self, operator, value):
        if operator not in ("in", "ilike", "=ilike", "like", "=like"):
            return NotImplemented

        def to_sql(model, alias, query):
            received, record_id = SQL.identifier(alias, "received_at"), SQL.identifier(
                alias, "id")
            name = SQL("('INQ/' || EXTRACT(YEAR FROM %s)::int || '/' || lpad(%s::text, "
                       "greatest(6, length(%s::text)), '0'))", received, record_id, record_id)
            if operator == "in":
                return SQL("%s IN %s", name, tuple(value) or (None,))
            pattern = f"%{value}%" if operator in ("ilike", "like") else value
            return SQL("%s %s %s", name, SQL("ILIKE" if "ilike" in operator else "LIKE"), pattern)

        return Domain.custom(to_sql=to_sql)

    # ------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------

    @api.model
    def _dealer_intake_email(self, msg_dict, custom_values=None):
        """Mail-gateway channel (``crm.lead.message_new``).

        :return: the record the gateway posts the e-mail on: the new lead, the existing lead a
            duplicate was attached to, or the quarantined intake itself
        """
        raw = self.env.context.get("dealer_raw_email")
        source = self.env["dealer.lead.source"]._dealer_match_email(msg_dict.get("email_from"))
        intake, _outcome = self._dealer_receive("email", {
            "source_id": source.id,
            "company_id": (source.company_id or self.env.company).id,
            "email_from": msg_dict.get("email_from"),
            "message_ref": msg_dict.get("message_id"),
            "raw_payload": raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw,
            "payload": self._dealer_email_payload(msg_dict),
            "content_type": "message/rfc822",
            "custom_values": custom_values or {},
        }, process=False)
        received_body = msg_dict.get("body")
        outcome = None
        try:
            outcome = intake._dealer_process(msg_dict=msg_dict)
        except CONCURRENCY_ERRORS:
            if not self.env.context.get("fetchmail_cron_running"):
                raise  # a request: Odoo retries it (and parses the e-mail again)
            # fetchmail rolls back and never fetches a failed e-mail again: keep it received
            # (its processing was rolled back to its savepoint), processed by the cron later
            _logger.info("Lead intake %s: concurrent inquiry, processed later", intake.id)
        if outcome in (None, "quarantined"):
            msg_dict["body"] = received_body  # the e-mail as received, on the intake
        return intake.lead_id or intake

    @api.model
    def _dealer_email_payload(self, msg_dict):
        """The text to parse: an ADF attachment (.xml/.adf) first, else the body."""
        for attachment in msg_dict.get("attachments") or []:
            fname = (attachment.fname or "").lower()
            content = attachment.content
            if isinstance(content, bytes):
                content = content.decode("utf-8", "replace")
            looks_adf = fname.endswith((".xml", ".adf")) or "<adf" in (content or "").lower()
            # adf.find_adf is linear in the size of the attachment (hostile ones included)
            if looks_adf and adf.find_adf(content):
                return content
        return msg_dict.get("body") or ""

    @api.model
    def _dealer_intake_http(self, source, body, content_type, truncated=False, charset=None):
        """HTTP channel: the body is kept as received, then parsed; a body refused for its
        content (size, encoding, media type, parse error) is quarantined with its code.

        :param bytes body: the bytes read, at most ``inquiry.MAX_BODY_BYTES``
        :param bool truncated: the request had more bytes than that
        :return: ``(intake, outcome)`` with outcome 'created', 'attached', 'repeat',
            'conflict' or 'quarantined' (``intake.reason_code`` says why)
        """
        refusal = None
        try:
            text = inquiry_tools.decode_body(body, charset)
        except inquiry_tools.InquiryError as error:
            text, refusal = inquiry_tools.raw_text(body), error
        intake, _outcome = self._dealer_receive("http", {
            "source_id": source.id,
            "company_id": source.company_id.id,
            "raw_payload": text,
            "payload": text,
            "raw_truncated": truncated,
            "content_type": content_type,
        }, process=False)
        limit_kib = min(source.max_payload_kb or 512, inquiry_tools.MAX_BODY_BYTES // 1024)
        if truncated or len(body) > limit_kib * 1024:
            refusal = inquiry_tools.too_large(limit_kib)
        elif content_type not in inquiry_tools.ACCEPTED_TYPES:
            refusal = inquiry_tools.unsupported_media_type(content_type)
        if refusal:
            intake._dealer_inbox_quarantine(refusal.code, refusal.template, refusal.params)
            return intake, "quarantined"
        return intake, intake._dealer_process()

    @api.model
    def _dealer_receive(self, channel, values, process=True, msg_dict=None):
        """The one entry point of every channel: keep the inquiry exactly as received (nothing
        parsed yet, so nothing is lost), then run the pipeline on it.

        :param str channel: 'email', 'http', 'web', 'manual' or 'sms'
        :param dict values: the intake's raw values (payload, source, lead of web/manual...)
        :param dict msg_dict: the parsed e-mail of the mail gateway, when there is one
        :return: ``(intake, outcome)``, outcome 'created', 'attached', 'repeat',
            'quarantined' (or None when ``process`` is False)
        """
        # sudo: intake records are system records, created by every channel's gateway user
        Intake = self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
        # created without the chatter's followers and tracking (nobody follows an intake; its
        # alerts go to the managers), then processed in the usual context
        intake = Intake.with_context(tracking_disable=True).create(
            {**values, "channel": channel}).with_env(Intake.env)
        if not process:
            return intake, None
        return intake, intake._dealer_process(msg_dict=msg_dict)

    @api.model
    def _dealer_intake_created_leads(self, leads, channel):
        """Website form and manual channel: the lead exists already; keep the inquiry and run
        the same pipeline (dedupe, route, clock, consent, acknowledgement)."""
        for lead in leads.filtered(lambda lead: lead.active and lead.type):
            self._dealer_receive(channel, {
                "lead_id": lead.id,
                "company_id": (lead.company_id or self.env.company).id,
                "email_from": lead.email_from,
                "raw_payload": json.dumps({
                    "name": lead.name, "contact_name": lead.contact_name,
                    "email_from": lead.email_from, "phone": lead.phone,
                    "description": html2plaintext(lead.description or ""),
                }, ensure_ascii=False),
            })

    # ------------------------------------------------------------
    # Pipeline
    # ------------------------------------------------------------

    def _dealer_process(self, msg_dict=None):
        """Run the pipeline in one savepoint: dedupe, route, create or attach, clock,
        consent, sequence, acknowledgement after commit.

        Content the product cannot use is quarantined with a reason code. Concurrency errors
        (a serialization failure, a lock timeout, a deadlock, an inquiry with the same key
        being received by another worker) are raised: Odoo retries the whole request, which
        then sees the other worker's lead. Any other error rolls the savepoint back and
        quarantines the inquiry with the code 'internal' (the traceback goes to the log).

        :return: 'created', 'attached', 'repeat' or 'quarantined'
        """
        self.ensure_one()
        Member = self.env["crm.team.member"]
        turns = Member._dealer_turns_mark()
        try:
            with self.env.cr.savepoint():
                return self._dealer_run(msg_dict)
        except CONCURRENCY_ERRORS:
            raise
        except DuplicateManualLead:
            raise
        except errors.UniqueViolation as error:
            # a concurrent inquiry inserted the same key: retried, the repeat is then seen
            raise ConcurrencyError(f"intake {self.id}: {error.diag.constraint_name}") from error
        except IntakeRefused as error:
            Member._dealer_give_back_turns_since(turns)
            if error.payload:
                self.payload = error.payload
            self._dealer_inbox_quarantine(error.code, error.template, error.params)
        except Exception:  # noqa: BLE001 nothing may be lost: keep it visible
            Member._dealer_give_back_turns_since(turns)
            self._dealer_inbox_internal_error()
        return "quarantined"

    def _dealer_run(self, msg_dict=None):
        """The steps after the raw inquiry is kept, by channel."""
        if self.channel in ("web", "manual"):
            return self._dealer_process_created_lead()
        if self.channel == "email" and not adf.find_adf(self.payload or ""):
            return self._dealer_process_plain_email(msg_dict)
        return self._dealer_create_or_attach(self._dealer_parse(), msg_dict)

    def _dealer_parse(self):
        """The payload as a typed, normalised ``inquiry.Inquiry`` (same for every channel).

        :raise IntakeRefused: with the translated reason and its stable code
        """
        payload = (self.payload or self.raw_payload or "").strip()
        try:
            if not payload:
                raise inquiry_tools.InquiryError("empty", inquiry_tools.EMPTY_MESSAGE)
            if self.channel == "sms":
                inquiry = self._dealer_parse_sms(payload)
            elif self.channel == "http" and (
                    payload[:1] in "{[" or self.content_type == "application/json"):
                inquiry = self._dealer_parse_json(payload)
            else:
                inquiry = inquiry_tools.from_adf(payload, **self._dealer_parse_options())
            return inquiry_tools.require_reachable(inquiry)
        except inquiry_tools.InquiryError as error:
            raise IntakeRefused(error.template, payload=error.payload, code=error.code,
                                params=error.params) from None

    def _dealer_parse_options(self):
        """What the pure parsers need from the database: the source's default language and
        the country of national phone numbers."""
        country = (self.company_id._dealer_country_code()
                   or self.env.company._dealer_country_code())
        return {"default_lang": self.source_id.default_lang or None,
                "country": country or "CA"}

    @api.model
    def _dealer_parsed_values(self, inquiry):
        """What the intake keeps of a parsed inquiry (written with its final state)."""
        return {
            "parsed_data": inquiry.to_json(),
            "field_origin": inquiry.origin,
            "extras": inquiry.extras,
            "provider_ref": inquiry.provider_lead_id or False,
        }

    def _dealer_parse_json(self, payload):
        return inquiry_tools.from_json(payload, **self._dealer_parse_options())

    def _dealer_parse_sms(self, payload):
        """A first text from an unknown number (kept by ``dealer.sms.inbound``)."""
        data = inquiry_tools.load_json_object(payload)
        return inquiry_tools.from_sms(data.get("from"), data.get("body"), data.get("media"),
                                      **self._dealer_parse_options())

    @api.model
    def _dealer_country(self, address):
        """The country of an ``inquiry.Address``: its own when US or Canada, else the
        company's."""
        code = (address.country or "").upper()[:2]
        if code in ("US", "CA"):
            return data_record(self.env, f"base.{code.lower()}")
        return self.env.company._dealer_country() or data_record(self.env, "base.ca")

    def _dealer_detect_lang(self, values):
        """fr_CA or en_US: the inquiry's language, or the one of ``values``, a dict with
        ``phones`` (``[{"e164": ...}]``) and ``comments`` (e.g. the sender of a text)."""
        if isinstance(values, inquiry_tools.Inquiry):
            return values.lang
        return inquiry_tools.detect_lang(
            values.get("lang"), (values.get("address") or {}).get("region"),
            [phone.get("e164") for phone in values.get("phones") or []], values.get("comments"),
            self.source_id.default_lang or None)

    @api.model
    def _dealer_lang(self, code):
        """The active language ``code`` (cached lookup), activated with its terms if needed."""
        Lang = self.env["res.lang"]
        return Lang._lang_get(code) or Lang._dealer_activate_with_translations(code)

    # ------------------------------------------------------------
    # Dedupe under concurrency
    # ------------------------------------------------------------

    def _dealer_dedupe_keys(self, inquiry):
        """The keys two inquiries of one customer share: the source's provider lead id, each
        E.164 phone, each e-mail."""
        keys = []
        if inquiry.provider_lead_id and self.source_id:
            keys.append(f"provider:{self.source_id.id}:{inquiry.provider_lead_id}")
        keys += [f"phone:{phone.e164}" for phone in inquiry.phones]
        keys += [f"email:{address}" for address in inquiry.emails]
        return keys

    def _dealer_lock_keys(self, inquiry):
        """Serialise inquiries sharing a dedupe key across workers.

        In REPEATABLE READ the second of two inquiries of one customer cannot see the lead the
        first is creating. Each key takes a transaction-level advisory lock (sorted: no
        deadlock between two inquiries sharing several keys). A key held by another
        transaction: wait until it ends, then raise ``ConcurrencyError``; Odoo retries the
        request, whose new snapshot sees the other lead (attached, or a repeat).
        """
        held = try_xact_locks(self.env.cr, sorted({
            advisory_lock_id(key) for key in self._dealer_dedupe_keys(inquiry)}))
        if held is not None:
            self._dealer_wait_for_lock(held)
            raise ConcurrencyError(
                f"intake {self.id}: an inquiry with the same phone, e-mail or provider "
                "lead id was being received at the same time")
        self._dealer_check_snapshot(inquiry)

    def _dealer_wait_for_lock(self, lock_id):
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])

    def _dealer_check_snapshot(self, inquiry):
        """Raise ``ConcurrencyError`` if a lead sharing a key was committed after our snapshot
        was taken (the other transaction ended, and released its locks, between our first
        query and our lock): a fresh READ COMMITTED query sees it, our snapshot does not."""
        phones = [phone.e164 for phone in inquiry.phones]
        emails = list(inquiry.emails)
        provider = inquiry.provider_lead_id if self.source_id else None
        with read_committed_cursor(self.env) as (cr, inline):
            if inline:
                return  # one connection: the snapshot sees everything
            cr.execute("""
                SELECT id FROM crm_lead
                 WHERE phone_sanitized = ANY(%s::varchar[])
                    OR email_normalized = ANY(%s::varchar[])
                    OR (dealer_source_id = %s AND dealer_provider_lead_id = %s)
              ORDER BY id DESC LIMIT 20
            """, [phones, emails, self.source_id.id or None, provider or None])
            committed = [row[0] for row in cr.fetchall()]
        if not committed:
            return
        self.env.cr.execute("SELECT count(*) FROM crm_lead WHERE id = ANY(%s)", [committed])
        if self.env.cr.fetchone()[0] < len(committed):
            raise ConcurrencyError(
                f"intake {self.id}: a lead of the same customer was committed meanwhile")

    def _dealer_provider_holder(self, inquiry):
        """The other intake that holds this inquiry's provider lead id for its source (at most
        one: the unique index), with its lead (an earlier intake quarantined may have none)."""
        if not (inquiry.provider_lead_id and self.source_id):
            return self.browse()
        return self.search_fetch([
            ("source_id", "=", self.source_id.id),
            ("provider_lead_id", "=", inquiry.provider_lead_id),
            ("id", "!=", self.id),
        ], ["lead_id"], limit=1)

    def _dealer_find_duplicate(self, inquiry, exclude=None, holder=None):
        """The lead a new inquiry belongs to: the lead of an earlier intake with the same
        provider lead id ('repeat'), else an open lead with the same phone or e-mail
        ('duplicate').

        :param exclude: the lead of the inquiry itself (website form, manual entry)
        :param holder: ``_dealer_provider_holder(inquiry)``, when the caller has it already
        :return: ``(lead, kind)``
        """
        Lead = self.env["crm.lead"].with_context(active_test=True)
        holder = self._dealer_provider_holder(inquiry) if holder is None else holder
        if holder.lead_id:
            return holder.lead_id, "repeat"
        domain = []
        numbers = [p.e164 for p in inquiry.phones]
        if numbers:
            domain.append([("phone_sanitized", "in", numbers)])
        emails = list(inquiry.emails)
        if emails:
            domain.append([("email_normalized", "in", emails)])
        if not domain:
            return Lead, False
        open_domain = [("won_status", "=", "pending"),
                       ("company_id", "in", [self.company_id.id, False])]
        if exclude:
            open_domain.append(("id", "not in", exclude.ids))
        lead = Lead.search(Domain.AND([open_domain, Domain.OR(domain)]), order="id", limit=1)
        return lead, "duplicate" if lead else False

    def _dealer_provider_id_free(self, provider_lead_id, holder):
        """Whether no other intake holds this source's provider lead id (its lead may have
        been deleted or merged since).

        :param holder: ``_dealer_provider_holder`` of the inquiry
        """
        return bool(provider_lead_id) and not holder

    # ------------------------------------------------------------
    # Create or attach
    # ------------------------------------------------------------

    def _dealer_create_or_attach(self, inquiry, msg_dict=None):
        """:param msg_dict: the gateway's parsed e-mail, which it posts on the lead returned
            (see ``_dealer_note_inquiry``)"""
        self._dealer_lock_keys(inquiry)
        holder = self._dealer_provider_holder(inquiry)
        lead, kind = self._dealer_find_duplicate(inquiry, holder=holder)
        if lead:
            self._dealer_attach(lead, inquiry, repeat=kind == "repeat" or (
                inquiry.status == "resend"), msg_dict=msg_dict)
            return "repeat" if kind == "repeat" else "attached"
        values = self._dealer_lead_values(inquiry)
        wanted = inquiry.wanted_vehicle
        Lead = self.env["crm.lead"]
        team, user, how = Lead._dealer_choose_route(Lead._dealer_route_facts(
            source=self.env["dealer.lead.source"].browse(values["dealer_source_id"]),
            condition=wanted and wanted.status or False,
            make=wanted and wanted.make or False,
            company=self.company_id,
            team=self.env["crm.team"].browse(values.get("team_id")),
            user=self.env["res.users"],
        ))
        values.update(team_id=team.id or False, user_id=user.id or False,
                      dealer_ack_state="pending")
        lead = Lead.with_context(
            dealer_intake_skip=True, mail_create_nolog=True, mail_auto_subscribe_no_notify=True,
        ).create(values)
        provider_lead_id = inquiry.provider_lead_id
        self.write({
            **self._dealer_parsed_values(inquiry),
            "state": "created",
            "lead_id": lead.id,
            "provider_lead_id": provider_lead_id if self._dealer_provider_id_free(
                provider_lead_id, holder) else False,
        })
        # reach the unique index inside our savepoint; the lead's own updates wait for the
        # ones that follow (one UPDATE instead of two)
        self.flush_recordset()
        self._dealer_note_inquiry(lead, self._dealer_inquiry_note(
            inquiry, first=True) + plaintext2html(Lead._dealer_route_note(user, how)), msg_dict)
        lead._dealer_after_intake(self.channel, routed=True)
        return "created"

    def _dealer_process_created_lead(self):
        """Website form and manual entry: the lead exists; dedupe it like any inquiry.

        - A website inquiry of a customer who has an open lead is attached to that lead
          (salesperson alerted, no second acknowledgement); the form's own lead is archived
          with a note pointing to it. One without a phone or e-mail is quarantined (the lead
          archived) like any inquiry nobody can answer.
        - A salesperson typing in a lead for a customer who has an open lead is told so (the
          form stays as typed, nothing is saved): the inquiry belongs on the open lead and its
          salesperson, not on a second lead. A hand-typed lead without phone or e-mail is kept
          (a walk-in): routed, with nothing to acknowledge.
        """
        lead = self.lead_id
        inquiry = self._dealer_lead_inquiry(lead)
        if self.channel == "web" and not inquiry.emails and not inquiry.phones:
            raise IntakeRefused(NO_CONTACT, code="no_contact")
        self._dealer_lock_keys(inquiry)
        duplicate, _kind = self._dealer_find_duplicate(inquiry, exclude=lead)
        if duplicate and self.channel == "manual":
            raise DuplicateManualLead(self.env._(
                "%(customer)s already has an open lead: %(lead)s (salesperson: %(user)s). Add "
                "this inquiry to that lead instead of creating a second one.",
                customer=lead._dealer_customer_name() or lead.email_from or lead.phone,
                lead=duplicate.name,
                user=duplicate.user_id.name or "-"))
        if duplicate:
            self._dealer_attach(duplicate, inquiry)
            lead.with_context(dealer_intake_skip=True).write({"active": False})
            lead._message_log(body=lead._dealer_staff_env()._(
                "Duplicate of the open lead %(lead)s: the inquiry was added there (intake "
                "%(intake)s).", lead=duplicate.name, intake=self.name))
            return "attached"
        if not lead.active:  # a quarantined website lead, fixed by a manager
            lead.active = True
        if self.channel == "web":
            lead._dealer_route(user=self.env["res.users"])
        elif not lead.user_id:  # a salesperson who creates or assigns the lead keeps it
            lead._dealer_route()
        self.write({**self._dealer_parsed_values(inquiry), "state": "created"})
        lead._dealer_after_intake(self.channel, routed=True)
        return "created"

    def _dealer_lead_inquiry(self, lead):
        """The normalised inquiry of a lead typed in the CRM or posted by the website form."""
        options = self._dealer_parse_options()
        if lead.country_id:
            options["country"] = lead.country_id.code
        return inquiry_tools.from_lead_values({
            "contact_name": lead.contact_name, "partner_name": lead.partner_name,
            "email_from": lead.email_from, "phone": lead.phone,
            "street": lead.street, "city": lead.city, "zip": lead.zip,
            "region": lead.state_id.code, "country": lead.country_id.code,
            "lang": lead.lang_id.code, "description": html2plaintext(lead.description or ""),
        }, **options)

    def _dealer_attach(self, lead, inquiry, repeat=False, msg_dict=None):
        """Keep a duplicate inquiry on the open lead: visible, counted, salesperson alerted;
        no new acknowledgement and no SLA restart."""
        values = self._dealer_parsed_values(inquiry) if inquiry.origin else {}
        self.write({**values, "state": "attached", "lead_id": lead.id})
        if repeat:
            self._dealer_note_inquiry(lead, plaintext2html(lead._dealer_staff_env()._(
                "The provider sent this inquiry again (same lead id %(ref)s); kept as intake "
                "%(intake)s.", ref=inquiry.provider_lead_id or "-", intake=self.name)),
                msg_dict)
            return
        lead.sudo().dealer_inquiry_count += 1
        self._dealer_note_inquiry(lead, self._dealer_inquiry_note(inquiry, first=False),
                                  msg_dict)
        lead._dealer_alert_salesperson(duplicate=True)

    def _dealer_note_inquiry(self, lead, body, msg_dict=None):
        """Write the note of a parsed inquiry on its lead.

        An ADF e-mail is machine text: the note (the inquiry as staff read it, its routing)
        becomes the body of the e-mail that the mail gateway posts on the lead right after
        this, so that the lead shows one readable message instead of the XML and a note.
        The e-mail as received stays on the intake the note names (``raw_payload``). The
        gateway has already looked for the sender's partner (twice): a provider without one
        is posted as its address, without a third search.
        """
        if msg_dict is not None and self.channel == "email":
            msg_dict["body"] = body
            msg_dict["author_id"] = msg_dict.get("author_id") or False
        else:
            lead._message_log(body=body)

    def _dealer_inquiry_note(self, inquiry, first):
        vehicles = ", ".join(" ".join(str(p) for p in (
            v.year or "", v.make, v.model, v.trim) if p)
            for v in inquiry.vehicles) or "-"
        env = self.lead_id._dealer_staff_env()
        values = {
            "channel": dict(self._fields["channel"]._description_selection(env)).get(
                self.channel),
            "provider": inquiry.provider_name or self.source_id.name or "-",
            "vehicles": vehicles,
            "comments": inquiry.comments or "-",
            "count": self.lead_id.dealer_inquiry_count or 1,
            "intake": self.name,
        }
        if first:
            text = env._(
                "Inquiry received by %(channel)s from %(provider)s (intake %(intake)s). "
                "Vehicles: %(vehicles)s. Comments: %(comments)s", **values)
        else:
            text = env._(
                "New inquiry #%(count)s received by %(channel)s from %(provider)s (intake "
                "%(intake)s). Vehicles: %(vehicles)s. Comments: %(comments)s", **values)
        return plaintext2html(text)

    def _dealer_lead_values(self, inquiry):
        source = self.source_id or self.env["dealer.lead.source"]._dealer_match_email(
            "", inquiry.provider_name)
        if source and not self.source_id:
            self.source_id = source
        provider_name = inquiry.provider_name
        address = inquiry.address
        country = self._dealer_country(address)
        State = self.env["res.country.state"]
        state = State.browse(State._dealer_state_id(country.id, address.region[:3])) if (
            address.region and country) else State
        phones = inquiry.phones
        vehicles = inquiry.vehicles
        name = inquiry.name or (inquiry.emails or [""])[0] or phones[0].e164
        wanted = [v for v in vehicles if not v.is_trade_in]
        title = " ".join(str(p) for p in (
            wanted[0].year or "", wanted[0].make, wanted[0].model)
            if p) if wanted else ""
        lang = inquiry.lang and self._dealer_lang(inquiry.lang)
        custom = dict(self.custom_values or {})
        values = {
            **custom,
            "name": f"{title} - {name}" if title else name,
            "contact_name": name,
            "partner_id": False,
            "email_from": (inquiry.emails or [False])[0],
            "phone": phones[0].e164 if phones else False,
            "dealer_other_phones": ", ".join(p.e164 for p in phones[1:]) or False,
            "street": address.street or False,
            "street2": address.apartment or False,
            "city": address.city or False,
            "zip": address.postal_code or False,
            "state_id": state.id or False,
            "country_id": country.id or False,
            "lang_id": lang.id if lang else False,
            "description": plaintext2html(inquiry.comments) if inquiry.comments else False,
            "dealer_timeframe": inquiry.timeframe or False,
            "dealer_request_date": inquiry.request_date or False,
            "dealer_source_id": source.id or False,
            "dealer_provider_lead_id": inquiry.provider_lead_id or False,
            "source_id": source._dealer_utm_source(provider_name).id if source else (
                self.env["utm.mixin"]._find_or_create_record("utm.source", provider_name).id
                if provider_name else False),
            "medium_id": self._dealer_utm_medium().id,
            "company_id": self.company_id.id,
            "dealer_vehicle_ids": [fields.Command.create({
                "sequence": index,
                "interest": vehicle.interest if vehicle.interest in (
                    "buy", "lease", "test-drive", "trade-in") else "buy",
                "condition": vehicle.status if vehicle.status in (
                    "new", "used") else "new",
                "year": vehicle.year or 0,
                "make": vehicle.make or False,
                "model": vehicle.model or False,
                "trim": vehicle.trim or False,
                "vin": vehicle.vin or False,
                "stock_number": vehicle.stock or False,
                "price": vehicle.price or 0.0,
                "odometer": vehicle.odometer or 0,
                "odometer_unit": vehicle.odometer_units if vehicle.odometer_units in (
                    "km", "mi") else False,
                "comments": vehicle.comments or False,
            }) for index, vehicle in enumerate(vehicles)],
        }
        if not values.get("team_id") and source.team_id:
            values["team_id"] = source.team_id.id
        values.setdefault("user_id", False)
        return values

    def _dealer_utm_medium(self):
        xmlid = {"email": "utm.utm_medium_email", "web": "utm.utm_medium_website"}.get(
            self.channel)
        medium = data_record(self.env, xmlid, raise_if_not_found=False) if xmlid else None
        names = {"http": "Lead API", "sms": "SMS"}
        return medium or self.env["utm.mixin"]._find_or_create_record(
            "utm.medium", names.get(self.channel, "Manual"))

    def _dealer_process_plain_email(self, msg_dict=None):
        """A plain e-mail (no ADF) to the leads alias: stock lead creation, or attachment to the
        sender's open lead; then the same routing and acknowledgement.

        :param msg_dict: the gateway's parsed e-mail; on retry it is parsed again from the raw
            message kept on the intake
        """
        msg_dict = msg_dict or self._dealer_msg_dict()
        address = email_normalize(msg_dict.get("email_from") or "")
        if not address:
            raise IntakeRefused(NO_CONTACT, code="no_contact")
        inquiry = inquiry_tools.from_plain_email(
            address, html2plaintext(msg_dict.get("body") or ""), **self._dealer_parse_options())
        # a lead provider's address is not the customer's: never dedupe on it
        if not self.source_id:
            self._dealer_lock_keys(inquiry)
            lead = self._dealer_find_duplicate(inquiry)[0]
            if lead:
                self._dealer_attach(lead, inquiry)
                return "attached"
        lead = self.env["crm.lead"]._dealer_message_new_stock(msg_dict, self.custom_values or {})
        self.write({"state": "created", "lead_id": lead.id})
        if not lead.lang_id:
            lead.lang_id = self._dealer_lang(inquiry.lang)
        lead.medium_id = self._dealer_utm_medium()
        lead._dealer_after_intake("email")
        return "created"

    def _dealer_msg_dict(self):
        """The e-mail of this intake as the mail gateway parses it, from the raw message."""
        if self.raw_payload:
            message = email.message_from_string(self.raw_payload, policy=email.policy.SMTP)
            return self.env["mail.thread"].message_parse(message)
        return {"email_from": self.email_from, "message_id": self.message_ref,
                "body": plaintext2html(self.payload or ""), "subject": self.name}

    # ------------------------------------------------------------
    # Raw inbox
    # ------------------------------------------------------------

    def _dealer_inbox_process(self):
        self._dealer_process()

    def _dealer_inbox_source_domain(self):
        return [*super()._dealer_inbox_source_domain(), ("source_id", "=", self.source_id.id)]

    def _dealer_inbox_quarantine(self, code, reason, params=None):
        result = super()._dealer_inbox_quarantine(code, reason, params)
        for intake in self.filtered(lambda i: i.channel == "web" and i.lead_id.active):
            # the form's lead is not a lead until the inquiry is fixed and retried
            intake.lead_id.with_context(dealer_intake_skip=True).write({"active": False})
        return result

    def action_open_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }
