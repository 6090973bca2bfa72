import logging

from psycopg2 import errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL, LazyTranslate

from ..tools import time_format
from ..tools.concurrency import CONCURRENCY_ERRORS, read_committed_cursor, unseen_committed
from ..tools.phone import to_national
from ..tools.records import data_record
from ..tools.video_token import VIDEO_LINK_PLACEHOLDER
from .dealer_response_clock import CHANNELS

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

# an inquiry younger than this is answered at once, even in quiet hours
LIVE_ACK_MINUTES = 30
# the web client saving a new lead typed in by a salesperson
MANUAL_PATHS = {f"/web/dataset/call_kw/crm.lead/{method}"
                for method in ("web_save", "create", "name_create")}
# leads acknowledged per run of the acknowledgement cron (small: their texts leave sooner)
ACK_BATCH_SIZE = 20
ACK_CRON = "dealer_lead_addon.ir_cron_dealer_pending_acks"
# what the queues and delivery reports write on a lead about its acknowledgement
ACK_STATUS_FIELDS = ["dealer_ack_sms_state", "dealer_ack_mail_state", "dealer_ack_state",
                     "dealer_ack_note", "dealer_ack_sent_at"]
ACK_RECORDED_KEY = "dealer_lead_addon.ack_recorded"
ACK_WAKE_KEY = "dealer_lead_addon.ack_cron_woken"
# what happened to the acknowledgement on one channel (text or e-mail)
ACK_CHANNEL_STATES = [
    ("queued", "Queued"), ("sent", "Sent"), ("delivered", "Delivered"),
    ("maybe_sent", "Maybe Sent"), ("failed", "Failed"), ("canceled", "Not Sent"),
]


class CrmLead(models.Model):
    """Dealer extensions of the lead.

    The file is organised by feature; each section only adds what its feature needs. The
    cross-feature hooks at the bottom are the seams between features: intake calls them, texting
    and video call them, and each feature reacts in its own ``_dealer_<feature>_*`` method.
    """

    _inherit = "crm.lead"

    # ------------------------------------------------------------
    # Intake, routing and acknowledgement
    # ------------------------------------------------------------

    dealer_intake_ids = fields.One2many("dealer.lead.intake", "lead_id", string="Intakes")
    dealer_inquiry_count = fields.Integer(
        string="Inquiries", default=1, readonly=True,
        help="How many distinct inquiries (first one included) reached this lead.")
    dealer_source_id = fields.Many2one("dealer.lead.source", string="Lead Source", index=True)
    dealer_provider_lead_id = fields.Char(string="Provider Lead ID", index="btree_not_null")
    dealer_request_date = fields.Datetime(string="Requested On")
    dealer_timeframe = fields.Char(string="Purchase Timeframe")
    dealer_other_phones = fields.Char(
        string="Other Phones", help="Further numbers given by the customer, E.164 when valid.")
    dealer_vehicle_ids = fields.One2many("dealer.lead.vehicle", "lead_id", string="Vehicles")
    dealer_vehicle_summary = fields.Char(
        string="Vehicle of Interest", compute="_compute_dealer_vehicle_summary", store=True)
    dealer_vehicle_condition = fields.Selection(
        [("new", "New"), ("used", "Used")], string="New/Used",
        compute="_compute_dealer_vehicle_summary", store=True)
    dealer_vehicle_make = fields.Char(
        string="Make", compute="_compute_dealer_vehicle_summary", store=True)
    dealer_trade_in_summary = fields.Char(
        string="Trade-in", compute="_compute_dealer_vehicle_summary", store=True)
    dealer_ack_state = fields.Selection(
        [("pending", "Pending"), ("queued", "Queued"), ("sent", "Sent"),
         ("delivered", "Delivered"), ("maybe_sent", "Maybe Sent"), ("failed", "Failed"),
         ("skipped", "Not Sent")],
        string="Acknowledgement", readonly=True, copy=False, index="btree_not_null",
        help="Pending: not written yet. Queued: waiting for the provider. Sent: accepted by "
             "the SMS provider or the mail server. Delivered: the carrier confirmed the text. "
             "Maybe Sent: the provider did not answer in time, a person checks. Not Sent: "
             "nothing to send (opted out, no contact).")
    dealer_ack_note = fields.Char(string="Acknowledgement Note", readonly=True, copy=False)
    dealer_ack_requested_at = fields.Datetime(string="Acknowledged At", readonly=True, copy=False,
                                              help="When the acknowledgement was queued.")
    dealer_ack_sent_at = fields.Datetime(
        string="Acknowledgement Left At", readonly=True, copy=False,
        help="When the provider or the mail server accepted the acknowledgement.")
    dealer_ack_sms_uuid = fields.Char(
        string="Acknowledgement Text UUID", readonly=True, copy=False, index="btree_not_null")
    dealer_ack_sms_state = fields.Selection(
        ACK_CHANNEL_STATES, string="Acknowledgement Text", readonly=True, copy=False)
    dealer_ack_mail_id = fields.Many2one(
        "mail.mail", string="Acknowledgement E-mail Record", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null")
    dealer_ack_mail_state = fields.Selection(
        ACK_CHANNEL_STATES, string="Acknowledgement E-mail", readonly=True, copy=False)
    dealer_after_hours = fields.Boolean(
        string="Arrived After Hours", readonly=True, copy=False)
    dealer_reply_by = fields.Datetime(
        string="Reply By", readonly=True, copy=False,
        help="When a person will answer, as promised in the after-hours acknowledgement.")
    dealer_reply_by_display = fields.Char(
        compute="_compute_dealer_reply_by_display",
        help="Reply-by time in the customer's language and the team's time zone.")

    @api.depends("dealer_vehicle_ids.interest", "dealer_vehicle_ids.display_name",
                 "dealer_vehicle_ids.condition", "dealer_vehicle_ids.make")
    def _compute_dealer_vehicle_summary(self):
        for lead in self:
            wanted = lead.dealer_vehicle_ids.filtered(lambda v: v.interest != "trade-in")
            trades = lead.dealer_vehicle_ids - wanted
            lead.dealer_vehicle_summary = ", ".join(wanted.mapped("display_name")) or False
            lead.dealer_vehicle_condition = wanted[:1].condition or False
            lead.dealer_vehicle_make = wanted[:1].make or False
            lead.dealer_trade_in_summary = ", ".join(trades.mapped("display_name")) or False

    @api.depends("dealer_reply_by", "lang_id", "team_id")
    def _compute_dealer_reply_by_display(self):
        for lead in self:
            lead.dealer_reply_by_display = lead._dealer_format_reply_by()

    @api.model_create_multi
    def create(self, vals_list):
        """A lead is an inquiry only when one of the intake channels says so (explicit
        opt-in): the website form, a salesperson typing it in the CRM, or the
        ``dealer_inquiry_channel`` context key. Leads other modules create (event
        registrations, lead mining, imports, copies, merges, activities) get no
        acknowledgement and no implied consent."""
        leads = super().create(vals_list)
        channel = self._dealer_inquiry_channel()
        if channel:
            self.env["dealer.lead.intake"]._dealer_intake_created_leads(leads, channel)
        return leads

    @api.model
    def _dealer_inquiry_channel(self):
        """'web', 'manual' or None: which intake channel the leads being created come from.

        The website form (``website_crm``, not a dependency) posts to
        ``/website/form/crm.lead``; the web client saves a new lead with
        ``/web/dataset/call_kw/crm.lead/<web_save|create|name_create>``. Any other request
        (an import, a copy, an event registration, a wizard) is not an inquiry.
        """
        if self.env.context.get("dealer_intake_skip"):
            return None
        channel = self.env.context.get("dealer_inquiry_channel")
        if channel:
            return channel if channel in ("web", "manual") else None
        if not request or self.env.context.get("import_file"):
            return None
        path = request.httprequest.path
        if path == "/website/form/crm.lead":
            return "web"
        if path in MANUAL_PATHS:
            return "manual"
        return None

    def copy(self, default=None):
        """A copy is not an inquiry: no routing, no acknowledgement."""
        return super(CrmLead, self.with_context(dealer_intake_skip=True)).copy(default=default)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Every e-mail to a leads alias goes through the intake pipeline (ADF or plain)."""
        if self.env.context.get("dealer_intake_skip"):
            return super().message_new(msg_dict, custom_values=custom_values)
        return self.env["dealer.lead.intake"]._dealer_intake_email(msg_dict, custom_values)

    def _dealer_message_new_stock(self, msg_dict, custom_values):
        """Stock ``crm.lead`` creation from an e-mail, for plain (non-ADF) inquiries."""
        # the stock alias behaviour, past this model's message_new (which runs the intake)
        return super(CrmLead, self.with_context(  # pylint: disable=super-method-mismatch
            dealer_intake_skip=True)).message_new(msg_dict, custom_values=custom_values)

    def _dealer_format_reply_by(self):
        """When a person answers, as the customer reads it ("mercredi 25 novembre à 8 h")."""
        self.ensure_one()
        if not self.dealer_reply_by:
            return ""
        tz = self.team_id._dealer_calendar().tz or "America/Toronto"
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.dealer_reply_by)
        today = fields.Datetime.context_timestamp(self.with_context(tz=tz), fields.Datetime.now())
        return time_format.format_day_and_hour(local, self.lang_id.code or "en_US", today.date())

    def _dealer_customer_name(self):
        self.ensure_one()
        return self.partner_id.name or self.contact_name or self.partner_name or ""

    def _dealer_staff_env(self, user=None):
        """The environment in which to write a note for the staff who read this lead: in
        ``user``'s language (default: the lead's salesperson), else the company's. Notes are
        written by crons, webhooks and the gateway, whose own language is nobody's."""
        user = self[:1].user_id if user is None else user
        company = self[:1].company_id or self.env.company
        # only the languages: not the whole partner of the user and of the company
        lang = user.with_context(prefetch_fields=False).lang or (
            company.with_context(prefetch_fields=False).partner_id.lang)
        return self.with_context(lang=lang).env if lang else self.env

    def _dealer_customer_lang(self):
        """'fr' or 'en': the language of the customer templates."""
        self.ensure_one()
        return "fr" if (self.lang_id.code or "").startswith("fr") else "en"

    def _dealer_after_intake(self, channel, routed=False):
        """Steps shared by every channel once a new lead exists: route (unless the intake did
        it before creating the lead), start the SLA, and, right after the transaction commits,
        acknowledge the customer and alert the salesperson."""
        if not routed:
            for lead in self:
                lead._dealer_route()
        self.filtered(lambda lead: not lead.dealer_ack_state).dealer_ack_state = "pending"
        self._dealer_sla_start()
        self._dealer_consent_record_inquiry(channel)
        self._dealer_sequence_enroll()
        self._dealer_acknowledge_in_intake()

    def _dealer_acknowledge_in_intake(self):
        """In an HTTP request (API, website form, lead typed in), queue the acknowledgement
        and the salesperson's alert in the intake's own transaction: the HTTP workers render
        them side by side, and the queues, woken by the texts and e-mails created, send them
        as soon as the intake commits. Elsewhere (the mail gateway runs in a cron worker)
        the acknowledgement cron renders them in the other cron worker, while the gateway
        goes on with the next e-mail.

        Nothing leaves in this transaction (only the queues talk to the provider): a
        rolled-back intake takes its queued texts and e-mails with it, and the request never
        waits on the provider. An acknowledgement that fails here stays pending for the
        acknowledgement cron, which retries it after the commit.
        """
        for lead in self.filtered(lambda lead: request and lead.dealer_ack_state == "pending"):
            try:
                with self.env.cr.savepoint():
                    lead._dealer_ack_send()
                    lead._dealer_alert_salesperson()
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # the inquiry is kept; the cron tries again
                _logger.exception("Acknowledgement of lead %s failed at intake, left to the "
                                  "acknowledgement cron", lead.id)
        left = self.filtered(lambda lead: lead.dealer_ack_state == "pending")
        left._dealer_acknowledge_after_commit()

    def _dealer_acknowledge_after_commit(self):
        """Wake the acknowledgement cron as soon as this transaction commits. It takes every
        pending lead, so a pending acknowledgement is never lost.

        The wake-up (a trigger and the cron workers' notification) is written in a short
        transaction of its own right after the commit, once per transaction: the intake's
        transaction, which holds the inquiry's locks, does not wait for it. Were the worker to
        stop in between, the cron's interval is the safety net.
        """
        cr = self.env.cr
        if not self or cr.postcommit.data.get(ACK_WAKE_KEY):
            return
        cr.postcommit.data[ACK_WAKE_KEY] = True
        registry = self.env.registry

        @cr.postcommit.add
        def wake_acknowledgement_cron():
            with registry.cursor() as wake_cr:
                # the superuser: intake runs as a website visitor or the gateway user, who
                # cannot read crons (read alone: not the whole cron, at every inquiry)
                env = api.Environment(wake_cr, SUPERUSER_ID, {})
                data_record(env, ACK_CRON).with_context(prefetch_fields=False)._trigger()

    def _dealer_acknowledge_and_alert(self):
        for lead in self.filtered(lambda lead: lead.dealer_ack_state == "pending"):
            try:
                with self.env.cr.savepoint():
                    lead._dealer_ack_send()
                    lead._dealer_alert_salesperson()
            except Exception:
                _logger.exception("Acknowledgement of lead %s failed", lead.id)
                lead.write({"dealer_ack_state": "failed", "dealer_ack_note": (
                    lead._dealer_staff_env()._("acknowledgement failed, see logs"))})

    @api.model
    def _cron_dealer_send_pending_acks(self, batch_size=ACK_BATCH_SIZE):
        """Acknowledge pending leads, one batch per call (the cron runner calls again while
        some remain). Woken at intake; its interval is the safety net. Leads locked by
        another transaction are skipped (``SKIP LOCKED``) and reported as left to do."""
        domain = [("dealer_ack_state", "=", "pending")]
        due = self.search(domain, order="id", limit=batch_size)
        try:
            with self.env.cr.savepoint():
                leads = due.try_lock_for_update()
        except CONCURRENCY_ERRORS:
            # a lead changed after this run's snapshot (a repeat inquiry was attached to it):
            # reported as left to do, the cron runner runs again at once in a new transaction
            self.env["ir.cron"]._commit_progress(0, remaining=len(due))
            return
        leads._dealer_acknowledge_and_alert()
        # skipped: locked by a request attaching a repeat inquiry to them; unseen: committed
        # after this run's snapshot. Both are left to do: the cron runner runs again at once
        skipped = len(due) - len(leads)
        remaining = self.search_count(domain) if len(due) == batch_size else skipped + len(
            unseen_committed(self, domain))
        self.env["ir.cron"]._commit_progress(len(leads), remaining=remaining)

    @api.model
    def _dealer_route_facts(self, source=None, condition=False, make=False, company=None,
                            team=None, user=None):
        """What routing decides on: the inquiry's source, the new/used condition and make of
        the wanted vehicle, its company, a team already chosen (source default, texted
        number) and the salesperson who typed it in. Called on a lead, the lead's own values
        are the defaults."""
        lead = self[:1]
        return {
            "source": source if source is not None else lead.dealer_source_id,
            "condition": condition or lead.dealer_vehicle_condition or False,
            "make": make or lead.dealer_vehicle_make or False,
            "company": company if company is not None else lead.company_id,
            "team": team if team is not None else lead.team_id,
            "user": user if user is not None else lead.user_id,
        }

    @api.model
    def _dealer_choose_route(self, facts):
        """Team and salesperson for a new inquiry: the first matching rule (source, new/used,
        make), then the team's weighted round robin among members on shift, then the creator,
        then the team's after-hours owner.

        :param dict facts: see ``_dealer_route_facts``
        :return: ``(team, user, how)``, ``how`` a lazy translation (the note is written in
            its reader's language)
        """
        rule = self.env["dealer.routing.rule"]._dealer_find(facts)
        team = rule.team_id or facts["team"] or facts["source"].team_id
        if not team:
            team = self.env["crm.team"]._get_default_team_id(user_id=self.env.uid)
        now = fields.Datetime.now()
        user = self.env["res.users"]
        how = ""
        if team.dealer_up_for_grabs:  # offered to every member: the first claim wins
            return team, user, _lt("up for grabs in %(team)s", team=team.name)
        if rule.user_id and team._dealer_members_on_shift(
                team.crm_team_member_ids.filtered(lambda m: m.user_id == rule.user_id), now):
            user, how = rule.user_id, "rule"
        if not user and team:
            user, how = team._dealer_next_available_member(at=now), "round_robin"
        if not user and facts["user"]:
            user, how = facts["user"], "creator"
        if not user and team:
            user, how = team._dealer_after_hours_owner(), "after_hours"
        if user:
            # what the note, its language, the board, the salesperson's subscription as a
            # follower and the gateway's post (is the follower away?) read of them, in two
            # queries (not the whole user, then the partner and the absence field by field)
            user.fetch(["active", "share", "partner_id", "out_of_office_from",
                        "out_of_office_to", "out_of_office_message"])
            user.partner_id.fetch(["name", "lang"])
        # the team's name as the note's reader reads it (team names are translated)
        team_name = team.with_env(self.browse()._dealer_staff_env(user)).name
        return team, user, self._dealer_route_how(how, rule, team_name)

    @api.model
    def _dealer_route_how(self, kind, rule, team_name):
        """How the lead was routed: a lazy translation, written in the note's reader's
        language."""
        if kind == "rule":
            return _lt("rule %(rule)s", rule=rule.name)
        if kind == "round_robin":
            return _lt("round robin of %(team)s", team=team_name)
        if kind == "creator":
            return _lt("kept the creator")
        if kind == "after_hours":
            return _lt("nobody on shift, after-hours owner of %(team)s", team=team_name)
        return ""

    @api.model
    def _dealer_route_note(self, user, how):
        """The routing note, in the language of ``user`` (who gets the lead), else the
        company's."""
        env = self.browse()._dealer_staff_env(user)
        if not user and self.team_id.dealer_up_for_grabs:
            return env._("Up for grabs in %(team)s: the first member to claim it gets it.",
                         team=self.team_id.name)
        if not user:
            return env._("Nobody to route this lead to.")
        # only the name: not the salesperson's whole partner, at every inquiry
        return env._("Routed to %(user)s (%(how)s).",
                     user=user.with_context(prefetch_fields=False).name,
                     how=env._(how) if how else "-")

    def _dealer_route(self, **facts):
        """Route an existing lead (website form, manual entry) on its own facts, ``facts``
        overriding them (e.g. ``user``: the website visitor is nobody to keep)."""
        self.ensure_one()
        team, user, how = self._dealer_choose_route(self._dealer_route_facts(**facts))
        vals = {"team_id": team.id or False}
        if user or team.dealer_up_for_grabs:  # up for grabs: nobody holds it until claimed
            vals["user_id"] = user.id or False
        self.with_context(mail_auto_subscribe_no_notify=True).write(vals)
        self._message_log(body=self._dealer_route_note(user, how))
        return user

    def _dealer_link(self):
        base = self.get_base_url()
        return f"{base}/odoo/crm/{self.id}"

    def _dealer_alert_salesperson(self, duplicate=False):
        """Alert the salesperson of a new lead or a repeat inquiry (see
        ``dealer.staff.alert``)."""
        self.ensure_one()
        users = self.user_id or self._dealer_claimers_on_shift()
        if not users:
            return
        values = {
            "customer": self.contact_name or self.partner_name or self.email_from or "",
            "vehicle": self.dealer_vehicle_summary or "-",
            "phone": self.phone or "-",
            "link": self._dealer_link(),
        }
        if duplicate:
            body = _lt("Repeat inquiry from %(customer)s (%(vehicle)s). %(phone)s %(link)s",
                       **values)
        elif not self.user_id:
            body = _lt("Up for grabs: %(customer)s, %(vehicle)s. Reply 1 to take it. "
                       "%(link)s", **values)
        else:
            body = _lt("New lead: %(customer)s, %(vehicle)s. %(phone)s %(link)s", **values)
        self.env["dealer.staff.alert"]._alert(
            self, users, body, kind="new_lead",
            subject=_lt("Lead for you: %(customer)s", customer=values["customer"]))

    def _dealer_claimers_on_shift(self):
        """Who is offered a lead of an up-for-grabs team that nobody holds yet: the members
        of its rotation on shift now (the first to claim it gets it)."""
        team = self.team_id
        if not team.dealer_up_for_grabs or self.dealer_claimed_by_id:
            return self.env["res.users"]
        members = team.crm_team_member_ids.filtered(
            lambda m: m.dealer_in_rotation and m.user_id.active)
        return team._dealer_members_on_shift(members, fields.Datetime.now()).user_id

    def _dealer_ack_send(self):
        """Queue the acknowledgement of a new inquiry by SMS and/or e-mail in the customer's
        language, with the after-hours variant when the team is closed. Never to a
        blacklisted number/address. Its status follows what happens to the messages."""
        self.ensure_one()
        if self.dealer_ack_state not in (False, "pending"):
            return
        now = fields.Datetime.now()
        self._dealer_ack_prepare(now)
        lang = self._dealer_customer_lang()
        staff = self._dealer_staff_env()
        notes = []
        vals = {"dealer_ack_sms_state": False, "dealer_ack_mail_state": False,
                "dealer_ack_sms_uuid": False, "dealer_ack_mail_id": False}
        number = self.phone_sanitized
        if number and self.phone_sanitized_blacklisted:
            notes.append(staff._("no SMS: the number opted out"))
        elif number:
            sms = self.env["dealer.outbound"]._send_sms(
                self, self._dealer_ack_sms_body(lang), purpose="ack", number=number,
                partner=self.partner_id or None, urgent=self._dealer_ack_is_live(now))[:1]
            vals.update(dealer_ack_sms_uuid=sms.uuid,
                        dealer_ack_sms_state=self._dealer_ack_text_state(sms))
        if self.email_normalized and self.is_blacklisted:
            notes.append(staff._("no e-mail: the address opted out"))
        elif self.email_normalized:
            template = data_record(self.env, f"dealer_lead_addon.mail_template_ack_{lang}")
            mail = self.env["dealer.outbound"]._send_mail(self, template, purpose="ack")[:1]
            vals.update(dealer_ack_mail_id=mail.id,
                        dealer_ack_mail_state=self._dealer_ack_mail_state(mail))
        queued = vals["dealer_ack_sms_state"] or vals["dealer_ack_mail_state"]
        vals.update(dealer_ack_note="; ".join(notes) or False,
                    dealer_ack_requested_at=now if queued else False)
        self.write({**vals, **self._dealer_ack_state_values(vals)})

    def _dealer_ack_prepare(self, now):
        """After hours or not, and the reply-by time the acknowledgement promises: the
        running SLA deadline, else the team's next opening; never a time already past.
        Written before the templates render (they read it)."""
        team = self.team_id
        after_hours = not team._dealer_is_open(now)
        reply_by = False
        if after_hours:
            candidates = [self._dealer_sla_reply_by(), team._dealer_next_opening(now)]
            reply_by = next((moment for moment in candidates if moment and moment > now), False)
        self.write({"dealer_reply_by": reply_by, "dealer_after_hours": after_hours})

    def _dealer_ack_sms_body(self, lang):
        variant = "after_hours" if self.dealer_after_hours else "open"
        template = data_record(self.env, f"dealer_lead_addon.sms_template_ack_{variant}_{lang}")
        return self.env["dealer.outbound"]._render_sms(template, self, lang)

    @api.model
    def _dealer_ack_refresh_texts(self, texts, now):
        """Acknowledgement texts about to leave whose reply-by promise has passed meanwhile
        (held by quiet hours, retried): the promise is computed again and the text
        rewritten, so that it is never in the past when the customer reads it."""
        # sudo: the queue driver may run as any user; leads are only read and re-rendered
        leads = self.sudo().search([
            ("dealer_ack_sms_uuid", "in", texts.mapped("uuid")),
            ("dealer_reply_by", "!=", False), ("dealer_reply_by", "<=", now)])
        by_uuid = texts.grouped("uuid")
        for lead in leads:
            lead._dealer_ack_prepare(now)
            body = lead._dealer_ack_sms_body(lead._dealer_customer_lang())
            # the text is about to leave: its video link (if any) is minted now
            by_uuid[lead.dealer_ack_sms_uuid].body = self._dealer_video_mint_links(lead.id, body)

    @api.model
    def _dealer_ack_text_state(self, sms):
        if sms.state in ("outgoing", "process"):
            return "queued"
        if sms.state == "error":
            return "maybe_sent" if sms.failure_type == "dealer_uncertain" else "failed"
        return {"pending": "sent", "sent": "delivered", "canceled": "canceled"}.get(sms.state)

    @api.model
    def _dealer_ack_mail_state(self, mail):
        return {"outgoing": "queued", "sent": "sent", "received": "sent",
                "exception": "failed", "cancel": "canceled"}.get(mail.state)

    @api.model
    def _dealer_ack_sync_texts(self, texts):
        """The acknowledgement texts among ``texts`` changed state."""
        texts = texts.filtered(lambda sms: sms.dealer_purpose == "ack")
        if not texts:
            return
        # sudo: the queue and the guard update the status whoever triggered them
        # only what the verdicts read: not the whole lead, at every queue run
        leads = self.sudo().search_fetch(
            [("dealer_ack_sms_uuid", "in", texts.mapped("uuid"))],
            ["dealer_ack_sms_uuid", *ACK_STATUS_FIELDS])
        by_uuid = texts.grouped("uuid")
        reasons = dict(texts._fields["failure_type"]._description_selection(self.env))
        verdicts = []
        for lead in leads:
            sms = by_uuid[lead.dealer_ack_sms_uuid]
            reason = sms.failure_type and reasons.get(sms.failure_type)
            verdicts.append((lead, "dealer_ack_sms_state", self._dealer_ack_text_state(sms),
                             reason if sms.state == "error" else None))
        self._dealer_ack_record(verdicts)

    @api.model
    def _dealer_ack_sync_reported(self, uuids, state, reason=None):
        """A delivery report (Twilio status callback) about acknowledgement texts."""
        # sudo: status callbacks run as the public user
        leads = self.sudo().search([("dealer_ack_sms_uuid", "in", [u for u in uuids if u])])
        self._dealer_ack_record([(lead, "dealer_ack_sms_state", state, reason)
                                 for lead in leads])

    @api.model
    def _dealer_ack_sync_mails(self, mails):
        mails = mails.filtered(lambda mail: mail.dealer_purpose == "ack")
        if not mails:
            return
        # sudo: the mail queue updates the status whoever queued the e-mail
        leads = self.sudo().search_fetch([("dealer_ack_mail_id", "in", mails.ids)],
                                         ["dealer_ack_mail_id", *ACK_STATUS_FIELDS])
        self._dealer_ack_record([
            (lead, "dealer_ack_mail_state", self._dealer_ack_mail_state(lead.dealer_ack_mail_id),
             lead.dealer_ack_mail_id.failure_reason
             if lead.dealer_ack_mail_id.state == "exception" else None)
            for lead in leads])

    def _dealer_ack_set_channel(self, field, state, reason=None):
        """Record what happened on one channel of this lead (see ``_dealer_ack_record``)."""
        self.ensure_one()
        self._dealer_ack_record([(self, field, state, reason)])

    @api.model
    def _dealer_ack_record(self, verdicts):
        """Record what happened on one channel of each lead, ``verdicts`` a list of
        ``(lead, field, state, reason)``; late or repeated reports never take a delivered
        text back to sent, nor a sent one back to queued.

        The SMS queue, the mail queue and Twilio's reports learn outcomes of one lead at the
        same moment in different workers: the statuses are written in one short READ
        COMMITTED side transaction per call (a queue run records its whole batch at once),
        which waits for the rows instead of failing the whole queue run with a serialization
        error (after its texts or e-mails have left). What it records happened at the
        provider, whatever becomes of the caller's transaction. Leads the side transaction
        cannot see yet (created by the caller's transaction) or cannot lock in time (the
        caller holds them) are recorded in the caller's transaction.
        """
        # the provider's answer reaches here twice in one queue run (its tracker, then the
        # driver): record each verdict once per transaction
        recorded = self.env.cr.precommit.data.setdefault(ACK_RECORDED_KEY, set())
        todo = []
        for lead, field, state, reason in verdicts:
            if not state or (lead.id, field, state, reason) in recorded:
                continue
            recorded.add((lead.id, field, state, reason))
            todo.append((lead, field, state, lead._dealer_ack_note(field, state, reason)))
        if not todo:
            return
        here = todo
        try:
            with read_committed_cursor(self.env, lock_timeout="1s") as (cr, inline):
                if not inline:
                    cr.execute("SELECT id FROM crm_lead WHERE id IN %s ORDER BY id "
                               "FOR NO KEY UPDATE", [tuple({lead.id for lead, *_r in todo})])
                    seen = {row[0] for row in cr.fetchall()}
                    here = [item for item in todo if item[0].id not in seen]
                    for lead, field, state, note in todo:
                        if lead.id in seen:
                            # only the status columns: not the whole lead, per verdict
                            side = lead.with_env(lead.env(cr=cr)).with_context(
                                prefetch_fields=False)
                            side.fetch(ACK_STATUS_FIELDS)
                            side._dealer_ack_apply_channel(field, state, note)
        except errors.LockNotAvailable:
            # the caller's own transaction holds a lead (it wrote it): record them there
            here = todo
        else:
            if here is not todo:
                self.browse({lead.id for lead, *_r in todo}).invalidate_recordset(
                    ACK_STATUS_FIELDS)
        for lead, field, state, note in here:
            lead._dealer_ack_apply_channel(field, state, note)

    def _dealer_ack_note(self, field, state, reason):
        """The note a failed or maybe-sent channel writes on the lead."""
        if not (reason and state in ("failed", "maybe_sent")):
            return False
        staff = self._dealer_staff_env()
        channel = staff._("SMS") if field == "dealer_ack_sms_state" else staff._("e-mail")
        return staff._("%(channel)s: %(reason)s", channel=channel, reason=reason)

    def _dealer_ack_apply_channel(self, field, state, note):
        current = self[field]
        if (current == "delivered" and state in ("sent", "queued")) or (
                current == "sent" and state == "queued"):
            return
        vals = {field: state}
        if note:
            vals["dealer_ack_note"] = note
        # no tracked field changes: without mail_notrack, mail.thread would read every tracked
        # field of the lead first (one query each in the side transaction)
        self.with_context(mail_notrack=True).write(
            {**vals, **self._dealer_ack_state_values(vals)})

    def _dealer_ack_state_values(self, channel_vals):
        """What the acknowledgement's status becomes once ``channel_vals`` are written: the
        best of its channels (a customer reached by e-mail is acknowledged even if the text
        failed). Returned, so that the lead is written once."""
        self.ensure_one()
        channels = {name: channel_vals.get(name, self[name])
                    for name in ("dealer_ack_sms_state", "dealer_ack_mail_state")}
        states = set(channels.values()) - {False}
        state = next((s for s in ("delivered", "sent", "queued", "maybe_sent", "failed")
                      if s in states), "skipped")
        vals = {}
        if self.dealer_ack_state != state:
            vals["dealer_ack_state"] = state
        if state in ("sent", "delivered") and not self.dealer_ack_sent_at:
            vals["dealer_ack_sent_at"] = fields.Datetime.now()
        return vals

    @api.model
    def _dealer_alert_text_failed(self, texts):
        """A text to a customer failed for good, or maybe left: its lead's salesperson hears
        it in Odoo (a person decides whether to send it again)."""
        for sms in texts:
            message = sms.mail_message_id
            if message.model != "crm.lead" or not message.res_id:
                continue
            # sudo: the queue alerts the salesperson whoever queued the text
            lead = self.sudo().browse(message.res_id).exists()
            user = lead.user_id
            if not user:
                continue
            if sms.failure_type == "dealer_uncertain":
                body = _lt("The text to %(number)s may or may not have reached the customer "
                           "(the provider did not answer in time). It is not sent again "
                           "automatically: check with the customer, then retry it from the SMS "
                           "list if needed.", number=sms.number)
            else:
                body = _lt("The text to %(number)s could not be sent: %(reason)s",
                           number=sms.number,
                           reason=dict(sms._fields["failure_type"]._description_selection(
                               lead._dealer_staff_env())).get(
                                   sms.failure_type, sms.failure_type or "-"))
            # a text about a text that did not leave: the inbox only
            self.env["dealer.staff.alert"]._alert(
                lead, user, body, text=False, subject=_lt(
                    "Text not delivered: %(customer)s", customer=lead._dealer_sla_customer()))

    def _dealer_ack_is_live(self, now):
        """The customer asked minutes ago and waits for the answer: the acknowledgement is
        not held by quiet hours. A late delivery from a provider (an inquiry made hours ago)
        is, like any other text."""
        asked = self.dealer_request_date or self.create_date or now
        return abs((now - asked).total_seconds()) <= LIVE_ACK_MINUTES * 60

    # ------------------------------------------------------------
    # Response SLA
    # ------------------------------------------------------------

    dealer_sla_clock_ids = fields.One2many(
        "dealer.response.clock", "lead_id", string="Response Clocks", readonly=True)
    dealer_sla_deadline = fields.Datetime(
        string="Answer By", index=True, readonly=True, copy=False,
        help="Deadline of the running response clock (first answer or answer to the customer's "
             "last message).")
    dealer_sla_state = fields.Selection(
        [("on_time", "On Time"), ("warning", "Due Soon"), ("overdue", "Overdue"),
         ("answered", "Answered")], string="Response SLA", readonly=True, copy=False)
    dealer_first_response_at = fields.Datetime(
        string="First Response At", readonly=True, copy=False)
    dealer_first_response_user_id = fields.Many2one(
        "res.users", string="First Response By", readonly=True, copy=False)
    dealer_first_response_channel = fields.Selection(
        CHANNELS, string="First Response Channel", readonly=True, copy=False)
    dealer_first_response_minutes = fields.Float(
        string="First Response (min)", readonly=True, copy=False, digits=(16, 1),
        help="Wall-clock minutes from the inquiry to the first human answer.")
    dealer_first_response_business_minutes = fields.Float(
        string="First Response (business min)", readonly=True, copy=False, digits=(16, 1),
        help="The same, counted in the team's business hours.")

    def _dealer_sla_start(self):
        """Start the first-response clock of new leads (called by intake once routed)."""
        leads = self.filtered(
            lambda lead: not lead.dealer_sla_clock_ids and not lead.dealer_first_response_at)
        self.env["dealer.response.clock"]._dealer_start(leads, "first")

    def _dealer_sla_reply_by(self):
        """The datetime (naive UTC) by which a person will answer, or None: the deadline of the
        running clock (quoted by intake in the after-hours acknowledgement)."""
        running = self[:1].dealer_sla_clock_ids.filtered(lambda c: c.state == "running")
        return running[:1].deadline or None

    def _dealer_sla_customer(self):
        self.ensure_one()
        return self.contact_name or self.partner_name or self.email_from or self.phone or self.name

    def message_update(self, msg_dict, update_vals=None):
        """An e-mail of the customer on an existing lead starts a message-response clock."""
        result = super().message_update(msg_dict, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not author.user_ids.filtered(lambda user: not user.share):
            self._dealer_customer_engaged("email")
        return result

    @api.model
    def _dealer_sla_on_texts_left(self, texts):
        """Texts accepted by the provider: a text written by a person answers its lead."""
        for sms in texts:
            self._dealer_sla_detect_response(sms.mail_message_id)

    @api.model
    def _dealer_sla_on_mails_sent(self, mails):
        """E-mails the mail server accepted: one written by a person to the customer (not
        only to colleagues following the lead) answers its lead."""
        for mail in mails:
            customers = mail.recipient_ids.filtered(
                lambda partner: not partner.user_ids.filtered(lambda user: not user.share))
            if customers or mail.email_to:
                self._dealer_sla_detect_response(mail.mail_message_id)

    @api.model
    def _dealer_sla_detect_response(self, message):
        """A message written by a person that reached the customer answers the lead, at the
        moment it left (called once the provider or the mail server accepted it).

        Counted: a chatter message sent to the customer (e-mail) or an SMS, written by an
        internal user who is not OdooBot. Not counted: internal notes, system notifications,
        and the machine messages of ``dealer.outbound`` (flagged ``dealer_automated``).
        """
        if message.model != "crm.lead" or not message.res_id:
            return
        channel = self._dealer_sla_message_channel(message)
        if not channel:
            return
        user = self._dealer_sla_human_author(message)
        if user:
            # sudo: the queue stops the clock whoever's message it sent
            lead = self.sudo().browse(message.res_id).exists()
            lead._dealer_human_responded(channel, user, when=fields.Datetime.now())

    @api.model
    def _dealer_sla_message_channel(self, message):
        if message.message_type == "sms":
            return "sms"  # SMS are posted with the note subtype, they still reach the customer
        if message.message_type not in ("comment", "email", "email_outgoing"):
            return None
        if message.is_internal or message.subtype_id.internal or not message.subtype_id:
            return None
        return "email"

    @api.model
    def _dealer_sla_human_author(self, message):
        """The internal user who wrote ``message``, or an empty recordset (customer, OdooBot)."""
        users = message.author_id.user_ids.filtered(lambda user: not user.share)
        if self.env.user in users:
            users = self.env.user
        return users.filtered(self._dealer_sla_is_person)[:1]

    @api.model
    def _dealer_sla_is_person(self, user):
        """An internal user who is a person (not OdooBot, not the superuser)."""
        return bool(user) and not user.share and user.id != SUPERUSER_ID and (
            user != self.env.ref("base.user_root", raise_if_not_found=False))

    # ------------------------------------------------------------
    # Texting, sequences and consent
    # ------------------------------------------------------------

    dealer_consent_ids = fields.One2many("dealer.consent", "lead_id", string="Consents",
                                         readonly=True)
    dealer_sequence_enrollment_ids = fields.One2many(
        "dealer.sequence.enrollment", "lead_id", string="Follow-up Sequences", readonly=True)
    dealer_sequence_log_ids = fields.One2many(
        "dealer.sequence.log", "lead_id", string="Follow-up Steps", readonly=True)
    dealer_sequence_state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("stopped", "Stopped")],
        string="Follow-up", compute="_compute_dealer_sequence_state")

    @api.depends("dealer_sequence_enrollment_ids.state")
    def _compute_dealer_sequence_state(self):
        for lead in self:
            last = lead.dealer_sequence_enrollment_ids.sorted("id", reverse=True)[:1]
            lead.dealer_sequence_state = last.state or False

    def _dealer_consent_record_inquiry(self, channel):
        """An inquiry gives implied consent (CASL: 6 months) to follow it up."""
        for lead in self:
            if lead.phone_sanitized or lead.email_normalized:
                self.env["dealer.consent"]._dealer_record(
                    "implied_inquiry", ["sales", "marketing"], phone=lead.phone_sanitized,
                    email=lead.email_normalized, lead=lead, lang=lead._dealer_lang_code(),
                    source=self.env._("inquiry (%(channel)s)", channel=channel),
                    at=lead.dealer_request_date or lead.create_date)

    def _dealer_lang_code(self):
        """The code of the lead's language, from Odoo's cache of active languages (not a
        read of the whole language, at every inquiry)."""
        self.ensure_one()
        if not self.lang_id:
            return False
        return self.env["res.lang"]._get_data(id=self.lang_id.id).code or self.lang_id.code

    def _dealer_sequence_enroll(self, sequence=None):
        """Start the first matching sequence (or ``sequence``) on leads not running one.

        :return: the enrollments created
        """
        Enrollment = self.env["dealer.sequence.enrollment"]
        enrollments = Enrollment
        for lead in self.filtered(lambda lead: lead.active and lead.won_status == "pending"):
            if lead.dealer_sequence_enrollment_ids.filtered(lambda e: e.state == "running"):
                continue
            # sudo: enrolling is part of intake, which may run as a website visitor or the
            # gateway user; sequences are configuration they cannot read
            chosen = sequence or self.env["dealer.sequence"].sudo()._dealer_find_for(lead)
            if chosen:
                enrollments |= Enrollment.sudo()._dealer_enroll(lead, chosen)
        return enrollments

    def _dealer_sequence_stop_reason(self):
        """Why this lead may not receive its next step, or False."""
        self.ensure_one()
        if self.won_status == "won":
            return "won"
        if self.won_status == "lost" or not self.active:
            return "lost"
        if self.phone_sanitized_blacklisted:
            return "opted_out"
        return False

    def _dealer_sequence_stop(self, reason):
        # sudo: the customer's reply or opt-out stops the sequence whoever relays it
        self.sudo().dealer_sequence_enrollment_ids._dealer_stop(reason)

    def _dealer_sequence_on_customer_reply(self, channel):
        """The customer answered: a person takes over, the sequence stops."""
        self._dealer_sequence_stop("replied")

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        """Won or lost: the sequence stops; a purchase gives 2 years of implied consent."""
        result = super()._handle_won_lost(old_status_by_lead, new_status_by_lead)
        for lead in self:
            new = new_status_by_lead.get(lead.id) or {}
            old = old_status_by_lead.get(lead.id) or {}
            if new.get("is_won") and not old.get("is_won"):
                lead._dealer_sequence_stop("won")
                self.env["dealer.consent"]._dealer_record(
                    "implied_purchase", ["sales", "service", "marketing"],
                    phone=lead.phone_sanitized, email=lead.email_normalized, lead=lead,
                    lang=lead.lang_id.code, source=self.env._("purchase (lead won)"))
            elif new.get("is_lost") and not old.get("is_lost"):
                lead._dealer_sequence_stop("lost")
        return result

    def action_dealer_sequence_start(self):
        self.ensure_one()
        if not self._dealer_sequence_enroll():
            raise UserError(self.env._(
                "No follow-up sequence applies to this lead (or one is already running)."))
        return True

    def action_dealer_sequence_stop(self):
        self.dealer_sequence_enrollment_ids._dealer_stop("manual")
        return True

    # ------------------------------------------------------------
    # Live video
    # ------------------------------------------------------------

    dealer_video_session_ids = fields.One2many(
        "dealer.video.session", "lead_id", string="Video Sessions")
    dealer_video_session_count = fields.Integer(
        string="Video Calls", compute="_compute_dealer_video_session_count")

    @api.depends("dealer_video_session_ids")
    def _compute_dealer_video_session_count(self):
        counts = dict(self.env["dealer.video.session"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.dealer_video_session_count = counts.get(lead._origin, 0)

    def _dealer_video_customer_url(self):
        """The customer's live video link, for SMS/e-mail templates
        (``{{ object._dealer_video_customer_url() }}``): rendering gives a placeholder and
        creates nothing (a preview opens no room); the link is minted when the text or e-mail
        is created for sending (``_dealer_video_mint_links``). '' when live video is not
        configured, so templates never break."""
        self.ensure_one()
        if not self.env["dealer.video.session"]._dealer_video_configured():
            return ""
        return VIDEO_LINK_PLACEHOLDER

    @api.model
    def _dealer_video_mint_links(self, lead_id, text):
        """``text`` with its video link placeholder replaced by a freshly minted customer link
        to the lead ``lead_id`` (the explicit step of sending a message)."""
        if not text or VIDEO_LINK_PLACEHOLDER not in text:
            return text
        # sudo: the message is being sent, whoever sends it opens the room
        lead = self.sudo().browse(lead_id).exists()
        url = lead._dealer_video_mint_customer_url(short=True) if lead else ""
        return text.replace(VIDEO_LINK_PLACEHOLDER, url)

    def _dealer_video_mint_customer_url(self, short=False):
        """A new customer link: reuses the lead's unused session while its link is valid, else
        opens a new room. Each call mints a new single-use token; ``short``: as a short link
        ``/v/<code>`` to it (what the customer's texts and e-mails carry)."""
        self.ensure_one()
        Session = self.env["dealer.video.session"]
        if not self.id or not Session._dealer_video_configured():
            return ""
        # sudo: sending a message (possibly as OdooBot or a portal flow) opens the room
        session = self.sudo().dealer_video_session_ids.filtered(
            lambda s: s._dealer_is_link_open())[:1]
        if not session:
            session = Session.sudo().create({"lead_id": self.id})
        return session._dealer_customer_short_url() if short else session._dealer_customer_url()

    def _dealer_video_open_session(self):
        """The session an advisor joins from the lead: the live one, else a new room."""
        self.ensure_one()
        session = self.dealer_video_session_ids.filtered(
            lambda s: s.state in ("ringing", "in_call", "waiting"))[:1]
        return session or self.env["dealer.video.session"].create({"lead_id": self.id})

    def action_dealer_video_join(self):
        """Open the gateway's advisor page with a fresh 30-minute link for the current user."""
        self.ensure_one()
        self.env["dealer.video.session"]._dealer_require_configured()
        session = self._dealer_video_open_session()
        return {
            "type": "ir.actions.act_url",
            "url": session._dealer_advisor_url(self.env.user),
            "target": "new",
        }

    def action_dealer_video_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_lead_addon.dealer_video_session_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

    def action_dealer_video_send_link(self):
        """Open the "Send video link" wizard for these leads (form button, Actions menu)."""
        self.env["dealer.video.session"]._dealer_require_configured()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_lead_addon.dealer_video_link_send_action")
        action["context"] = {"active_model": "crm.lead", "active_ids": self.ids,
                             "active_id": self.ids[:1] and self.ids[0]}
        return action

    def _dealer_video_link_refusal(self, channel):
        """Why the video link cannot go to this customer by ``channel``, or ''."""
        self.ensure_one()
        if channel == "sms":
            if not self.phone_sanitized:
                return self.env._("no valid phone number")
            if self.phone_sanitized_blacklisted:
                return self.env._("the number opted out of texts")
            return ""
        if not self.email_normalized:
            return self.env._("no e-mail address")
        if self.is_blacklisted:
            return self.env._("the address opted out of e-mails")
        return ""

    def _dealer_video_send_link(self, channel):
        """Queue the customer's live video link by text ('sms') or e-mail, in their language,
        through the one outbound door (the guard still checks opt-out, quiet hours and caps
        where the message leaves). A person sends it: it is not an automated message.

        :return: the ``sms.sms`` or ``mail.mail`` queued
        """
        self.ensure_one()
        lang = self._dealer_customer_lang()
        Outbound = self.env["dealer.outbound"]
        if channel == "sms":
            template = self.env.ref(f"dealer_lead_addon.sms_template_video_link_{lang}")
            return Outbound._send_sms(
                self, Outbound._render_sms(template, self, lang), purpose="transactional",
                number=self.phone_sanitized, partner=self.partner_id or None,
                author=self.env.user, automated=False)
        template = self.env.ref(f"dealer_lead_addon.mail_template_video_link_{lang}")
        return Outbound._send_mail(self, template, purpose="transactional", automated=False)

    def _dealer_video_ack_url(self):
        """The video link of the acknowledgement templates: only when the setting
        "Video Link in Acknowledgements" is on (off by default), else ''."""
        self.ensure_one()
        if self.env["dealer.video.session"]._dealer_param("video_ack_link", "False") != "True":
            return ""
        return self._dealer_video_customer_url()

    def _dealer_video_ring_users(self, at=None):
        """Who is alerted when the customer waits: the salesperson, else the team's advisors
        on shift now (ring group, first to join wins)."""
        self.ensure_one()
        if self.user_id:
            return self.user_id
        return self.team_id._dealer_video_advisors_on_shift(at)

    # ------------------------------------------------------------
    # Cross-feature hooks
    # ------------------------------------------------------------

    def _dealer_customer_engaged(self, channel, message=None):
        """The customer wrote (SMS, e-mail reply, video call request) on these leads.

        :param str channel: 'sms', 'email', 'video' or 'web'
        :param message: the ``mail.message`` posted for it, if any
        """
        self._dealer_sla_on_customer_message(channel, message)
        self._dealer_sequence_on_customer_reply(channel)

    def _dealer_human_responded(self, channel, user, when=None):
        """A person answered the customer (SMS, e-mail, logged call, video session).

        :param str channel: 'sms', 'email', 'call' or 'video'
        :param user: the ``res.users`` who answered
        :param when: naive UTC datetime, defaults to now
        """
        self._dealer_sla_on_human_response(channel, user, when)

    def _dealer_sla_on_customer_message(self, channel, message):
        """The customer wrote: unless a clock already runs, start one (a message-response
        clock, or the first-response clock if nobody has answered yet)."""
        leads = self.filtered(
            lambda lead: lead.active and lead.won_status == "pending"
            and not lead.dealer_sla_clock_ids.filtered(lambda c: c.state == "running"))
        at = message.date if message else None
        Clock = self.env["dealer.response.clock"]
        Clock._dealer_start(leads.filtered("dealer_first_response_at"), "message", at=at)
        Clock._dealer_start(leads.filtered(lambda lead: not lead.dealer_first_response_at),
                            "first", at=at)

    def _dealer_sla_on_human_response(self, channel, user, when):
        """Stop the running clock; the first answer ever is stamped on the lead."""
        when = (when or fields.Datetime.now()).replace(microsecond=0)
        for lead in self:
            running = lead.dealer_sla_clock_ids.filtered(lambda c: c.state == "running")
            running._dealer_answer(channel, user, when)
            if lead.dealer_first_response_at:
                continue
            first = lead.dealer_sla_clock_ids.filtered(lambda c: c.kind == "first")[:1]
            started = first.started_at or lead.create_date
            # sudo: the SLA stamps are read-only for the salesperson who answers
            lead.sudo().write({
                "dealer_first_response_at": when,
                "dealer_first_response_user_id": user.id,
                "dealer_first_response_channel": channel,
                "dealer_first_response_minutes": first.wall_minutes if first else round(
                    max((when - started).total_seconds(), 0) / 60, 2),
                "dealer_first_response_business_minutes": first.business_minutes,
                "dealer_sla_state": "answered",
                "dealer_sla_deadline": False,
            })

    # ------------------------------------------------------------
    # Lead board: who holds the lead, the claim of an "up for grabs" team (first claim
    # wins), the phone written the national way
    # ------------------------------------------------------------

    dealer_claimed_by_id = fields.Many2one(
        "res.users", string="Claimed By", readonly=True, copy=False,
        help="The member of an up-for-grabs team who claimed the lead first.")
    dealer_claimed_at = fields.Datetime(string="Claimed On", readonly=True, copy=False)
    dealer_claimable = fields.Boolean(
        string="Up for Grabs", compute="_compute_dealer_claimable",
        help="The team offers its new leads to all its members: the first to claim it gets it.")
    dealer_phone_national = fields.Char(
        string="Customer Phone", compute="_compute_dealer_phone_national",
        help="The customer's phone written the national way.")

    @api.depends("team_id.dealer_up_for_grabs", "dealer_claimed_by_id", "user_id", "active",
                 "won_status")
    def _compute_dealer_claimable(self):
        for lead in self:
            lead.dealer_claimable = lead._dealer_is_claimable()

    @api.depends("phone", "company_id.country_id")
    def _compute_dealer_phone_national(self):
        for lead in self:
            country = (lead.company_id or self.env.company).country_id
            lead.dealer_phone_national = to_national(lead.phone or "", country.code or "CA")

    def _dealer_is_claimable(self):
        self.ensure_one()
        return bool(self.team_id.dealer_up_for_grabs and not self.dealer_claimed_by_id
                    and not self.user_id and self.active and self.won_status == "pending")

    # ------------------------------------------------------------
    # Claim
    # ------------------------------------------------------------

    def action_dealer_claim(self):
        """Claim the lead for the current user (board button). The first claim wins; the
        loser is told who was faster. Returns a notification action."""
        self.ensure_one()
        won = self._dealer_claim(self.env.user)
        if won:
            message = self.env._("The lead of %(customer)s is yours.",
                                 customer=self.sudo()._dealer_customer_name() or self.name)
        else:
            # sudo: the loser may no longer read the lead; they learn who was faster
            holder = self.sudo().dealer_claimed_by_id or self.sudo().user_id
            message = self.env._("Too late: %(user)s claimed this lead first.",
                                 user=holder.name)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success" if won else "warning",
                       "sticky": False, "next": {"type": "ir.actions.act_window_close"}},
        }

    def _dealer_claim(self, user):
        """``user`` claims this lead: from the board's button or by answering an alert text
        with ``1``. The lead's row is locked first: of two claims at once one waits for the
        other, and in Odoo's REPEATABLE READ transactions it then fails with a serialization
        error, which Odoo retries; the retry sees the lead claimed.

        :return: True if ``user`` now holds the lead, False if someone else holds it
        :raise UserError: ``user`` is not a member of the lead's team
        """
        self.ensure_one()
        # sudo: a lead claimed by someone else is no longer readable by the loser; only the
        # members of its team get this far (and may lock its row)
        lead = self.sudo()
        if lead.team_id and user not in lead.team_id.member_ids and user != lead.team_id.user_id:
            raise UserError(self.env._("Only members of %(team)s can claim its leads.",
                                       team=lead.team_id.name))
        self.env.cr.execute(SQL(
            "SELECT dealer_claimed_by_id FROM crm_lead WHERE id = %s FOR UPDATE", self.id))
        lead.invalidate_recordset(["dealer_claimed_by_id", "user_id"])
        holder = lead.dealer_claimed_by_id or lead.user_id
        if holder:  # claimed first, or given to someone (rotation, manager, escalation)
            return holder == user
        if not (lead.active and lead.won_status == "pending"):
            raise UserError(self.env._("This lead is closed: it cannot be claimed."))
        # the write tells the boards (see crm_lead_realtime.py)
        lead.with_context(mail_auto_subscribe_no_notify=True).write({
            "dealer_claimed_by_id": user.id,
            "dealer_claimed_at": fields.Datetime.now(),
            "user_id": user.id,
        })
        lead._message_log(body=self.env._("Lead claimed by %(user)s.", user=user.name))
        lead._dealer_tell_claimed(user)
        return True

    @api.model
    def dealer_board_data(self):
        """The current user's board (see ``dealer.lead.board``)."""
        return self.env["dealer.lead.board"]._dealer_data()
