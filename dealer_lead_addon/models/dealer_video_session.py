from datetime import UTC, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..tools import time_format, video_token

_lt = LazyTranslate(__name__)

ICP_PREFIX = "dealer_lead_addon."
ADVISOR_LINK_SECONDS = 30 * 60
MAX_LINK_HOURS = 7 * 24  # the gateway refuses join tokens living longer (docs/video-protocol.md)
# endings without a call after which the gateway may reopen the room for the customer's
# stored resume token (a tab closed while waiting, nobody answered): see docs/video-protocol.md
REOPENABLE_OUTCOMES = ("customer_left", "no_answer")
# a call shorter than this (both parties in the room) is not an answer to the customer
MIN_ANSWER_SECONDS = 20


class DealerVideoSession(models.Model):
    """One live video room of a lead: the customer's link, who was rung, who answered, and the
    record of the call. The room id is random and tells nothing about the lead."""

    _name = "dealer.video.session"
    _description = "Live Video Session"
    _inherit = "mail.thread"
    _order = "id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", required=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    room = fields.Char(required=True, readonly=True, copy=False,
                       default=lambda self: video_token.new_room_id(),
                       help="Random id of the gateway room; never derived from the lead.")
    state = fields.Selection([
        ("waiting", "Link Sent"),
        ("ringing", "Customer Waiting"),
        ("in_call", "In Call"),
        ("no_answer", "Missed"),
        ("ended", "Ended"),
    ], default="waiting", required=True, readonly=True, tracking=True, index=True)
    link_expires_at = fields.Datetime(string="Customer Link Expires", readonly=True)
    customer_name = fields.Char(readonly=True)
    recording_consent = fields.Boolean(
        string="Customer Consented to Recording", readonly=True)
    waiting_since = fields.Datetime(readonly=True)
    rung_user_ids = fields.Many2many(
        "res.users", "dealer_video_session_rung_rel", "session_id", "user_id",
        string="Advisors Alerted", readonly=True)
    advisor_id = fields.Many2one("res.users", readonly=True, index=True)
    started_at = fields.Datetime(string="Started", readonly=True)
    ended_at = fields.Datetime(string="Ended", readonly=True)
    duration_seconds = fields.Integer(string="Duration (s)", readonly=True)
    duration_display = fields.Char(string="Duration", compute="_compute_duration_display")
    outcome = fields.Selection([
        ("completed", "Completed"),
        ("no_answer", "No Answer"),
        ("customer_left", "Customer Left"),
        ("advisor_left", "Advisor Left"),
        ("failed", "Failed"),
    ], readonly=True)
    recording_id = fields.Many2one("ir.attachment", readonly=True)
    callback_at = fields.Datetime(
        string="Call Back At", readonly=True, help="Time the customer chose on the waiting page.")
    event_ids = fields.One2many("dealer.video.event", "session_id", string="Gateway Events")

    _room_uniq = models.Constraint("UNIQUE(room)", "A video room id must be unique.")

    @api.depends("duration_seconds", "ended_at")
    def _compute_duration_display(self):
        for session in self:
            minutes, seconds = divmod(session.duration_seconds or 0, 60)
            session.duration_display = f"{minutes} min {seconds:02d} s" if session.ended_at else ""

    # ------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------

    @api.model
    def _dealer_param(self, name, default=None):
        # sudo: the shared secret and gateway settings are system parameters; only the minting
        # code reads them, they are never returned to the user
        return self.env["ir.config_parameter"].sudo().get_param(ICP_PREFIX + name, default)

    @api.model
    def _dealer_video_configured(self):
        return bool(self._dealer_param("video_gateway_url") and self._dealer_param("video_secret"))

    @api.model
    def _dealer_video_init_secret(self):
        """Give a new database its own random shared secret (never a shipped default)."""
        icp = self.env["ir.config_parameter"].sudo()
        if not icp.get_param(ICP_PREFIX + "video_secret"):
            icp.set_param(ICP_PREFIX + "video_secret", video_token.new_room_id()
                          + video_token.new_room_id())

    def _dealer_link_hours(self):
        """Hours a customer link lives; at most 7 days, the gateway refuses longer-lived ones."""
        try:
            return min(MAX_LINK_HOURS, max(1, int(self._dealer_param("video_link_hours", 48))))
        except ValueError:
            return 48

    # ------------------------------------------------------------
    # Links
    # ------------------------------------------------------------

    def _dealer_join_url(self, claims, ttl):
        self.ensure_one()
        payload = self._dealer_join_payload(claims, ttl)
        return self._dealer_signed_url(payload), payload["exp"]

    def _dealer_join_payload(self, claims, ttl):
        self.ensure_one()
        return video_token.join_payload(
            dict(claims, room=self.sudo().room, lead=self.lead_id.id), ttl)

    def _dealer_signed_url(self, payload):
        token = video_token.sign_join_payload(self._dealer_param("video_secret"), payload)
        return f"{self._dealer_param('video_gateway_url').rstrip('/')}/join/{token}"

    def _dealer_common_claims(self):
        """What both pages show: the dealer's name and logo (Odoo's public company logo
        route), the vehicle of interest; and whether calls are recorded."""
        lead = self.lead_id
        company = lead.company_id or self.env.company
        claims = {
            "dealer": company.name or "",
            "rec": self._dealer_param("video_record", "False") == "True",
            "logo": f"{lead.get_base_url()}/logo.png?company={company.id}",
        }
        if lead.dealer_vehicle_summary:
            claims["vehicle"] = lead.dealer_vehicle_summary[:128]
        return claims

    def _dealer_photo_url(self, user, exp):
        """A signed URL of ``user``'s photo until ``exp``, for the customer's page."""
        signature = video_token.photo_signature(self._dealer_param("video_secret"), user.id, exp)
        return f"{self.lead_id.get_base_url()}/dealer_lead/video/photo/{user.id}/{exp}/{signature}"

    def _dealer_customer_url(self):
        """A fresh single-use customer link to this room; extends the session's link expiry."""
        return self._dealer_signed_url(self._dealer_customer_payload())

    def _dealer_customer_short_url(self):
        """A fresh customer link as a short link (``/v/<code>``, a few dozen characters
        instead of ~500) that redirects to the join link; see ``dealer.video.link``."""
        payload = self._dealer_customer_payload()
        code = self.env["dealer.video.link"]._dealer_create_for(self, payload)
        return f"{self.lead_id.get_base_url()}/v/{code}"

    def _dealer_customer_payload(self):
        """The claims of a new customer join token; extends the session's link expiry."""
        self.ensure_one()
        lead = self.lead_id
        name = lead.contact_name or lead.partner_id.name or ""
        claims = dict(self._dealer_common_claims(), role="customer", sub="customer",
                      name=(name.split() or [""])[0], lang=lead._dealer_customer_lang())
        payload = self._dealer_join_payload(claims, self._dealer_link_hours() * 3600)
        # sudo: whoever renders the template (OdooBot, a salesperson) records the expiry
        self.sudo().link_expires_at = datetime.fromtimestamp(
            payload["exp"], UTC).replace(tzinfo=None)
        return payload

    def _dealer_advisor_url(self, user):
        """A fresh 30-minute single-use advisor link to this room for ``user``."""
        self.ensure_one()
        lang = "fr" if (user.lang or "").startswith("fr") else "en"
        # the photo outlives the advisor's link: it is shown for as long as the call goes on
        now = fields.Datetime.now().replace(tzinfo=UTC)
        photo_exp = int(now.timestamp()) + self._dealer_link_hours() * 3600
        claims = dict(self._dealer_common_claims(), role="advisor", sub=str(user.id),
                      name=(user.name or "").split()[0] if user.name else "", lang=lang,
                      photo=self._dealer_photo_url(user, photo_exp))
        return self._dealer_join_url(claims, ADVISOR_LINK_SECONDS)[0]

    # ------------------------------------------------------------
    # Gateway events (called by dealer.video.event, as superuser)
    # ------------------------------------------------------------

    def _dealer_on_customer_waiting(self, at, customer_name, consent):
        """Ring the assigned salesperson, else every available advisor of the team."""
        self.ensure_one()
        reopened = self.state == "ended" and self.outcome in REOPENABLE_OUTCOMES
        if self.state not in ("waiting", "no_answer") and not reopened:
            return False
        if reopened:  # the customer reopened their link on the same phone: a new session
            self.write({"outcome": False, "ended_at": False, "duration_seconds": 0,
                        "started_at": False, "advisor_id": False})
        lead = self.lead_id
        # who is on shift when we ring, not when the (possibly retried) event was sent
        users = lead._dealer_video_ring_users(fields.Datetime.now())
        self.write({
            "state": "ringing", "waiting_since": at, "customer_name": customer_name or False,
            "recording_consent": bool(consent), "rung_user_ids": [(6, 0, users.ids)],
        })
        lead._dealer_customer_engaged("video")
        for user in users:
            self._dealer_ring(user)
        if not users:
            lead._message_log(body=lead._dealer_staff_env()._(
                "A customer is waiting on video but no advisor is available."))
        return True

    def _dealer_ring(self, user):
        """Text the advisor their own link to the room; the inbox keeps messages for long, so
        it points to the lead instead, whose button mints a fresh link."""
        lead = self.lead_id
        customer = self.customer_name or lead.contact_name or lead.partner_name or ""
        seconds = self._dealer_param("video_ring_seconds", 90)
        self.env["dealer.staff.alert"]._alert(
            lead, user,
            _lt("%(customer)s is waiting for you on live video. Open the lead and click "
                "\"Talk live on video\": %(link)s", customer=customer, link=lead._dealer_link()),
            subject=_lt("Customer waiting on video: %(customer)s", customer=customer),
            kind="video_waiting",
            text_body=_lt(
                "%(customer)s is waiting for you on live video (lead %(lead)s). Join within "
                "%(seconds)s s: %(link)s",
                customer=customer, lead=lead.name, seconds=seconds,
                link=self._dealer_advisor_url(user)))

    def _dealer_on_advisor_joined(self, at, user):
        """First advisor wins; a later one is ignored (the gateway refuses them too)."""
        self.ensure_one()
        if self.advisor_id or self.state == "ended":
            return False
        self.write({"advisor_id": user.id, "state": "in_call", "started_at": at})
        if not self.lead_id.user_id:  # ring group: the advisor who answered takes the lead
            self.lead_id.with_context(mail_auto_subscribe_no_notify=True).user_id = user
        # the advisor opened the room; whether they talked to the customer is known at the end
        self.lead_id._message_log(body=self.lead_id._dealer_staff_env()._(
            "%(advisor)s joined the live video room.", advisor=user.name))
        return True

    def _dealer_on_no_answer(self, at, callback_at):
        """Nobody joined in time: schedule a call for the salesperson at the customer's time."""
        self.ensure_one()
        if self.state in ("in_call", "ended"):
            return False
        self.write({"state": "no_answer", "callback_at": callback_at or False})
        lead = self.lead_id
        owner = lead.user_id
        if not owner and lead.team_id:
            owner = lead.team_id._dealer_after_hours_owner()
        when = callback_at or at
        tz = lead.team_id._dealer_calendar().tz or owner.tz or "UTC"
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz), when)
        customer = self.customer_name or lead.contact_name or lead.partner_name or ""
        env = lead._dealer_staff_env(owner)  # the to-do is the owner's, in their language
        if callback_at:
            note = env._("%(customer)s waited on live video and nobody answered. They asked "
                         "to be called back on %(when)s.",
                         customer=customer,
                         when=time_format.format_date_and_hour(local, env.lang))
        else:
            note = env._("%(customer)s waited on live video and nobody answered. Call them "
                         "back as soon as possible.", customer=customer)
        lead.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=local.date(),
            summary=env._("Call back: missed video call"), note=note,
            user_id=owner.id or self.env.ref("base.user_root").id)
        return True

    def _dealer_on_session_ended(self, vals, advisor, recording):
        """Record the call on the lead; an answered call is a human response for the SLA."""
        self.ensure_one()
        if self.state == "ended":
            return False
        advisor = self.advisor_id or advisor
        vals = dict(vals, state="ended", advisor_id=advisor.id or False)
        self.write(vals)
        lead = self.lead_id
        if recording and self.recording_consent:
            self.recording_id = self.env["ir.attachment"].create({
                "name": recording["filename"], "mimetype": recording["mimetype"],
                "datas": recording["data_base64"], "res_model": "crm.lead", "res_id": lead.id,
            })
        elif recording:
            # the gateway only records with both consents; never keep one we have no consent for
            lead._message_log(body=lead._dealer_staff_env()._(
                "A video recording was discarded: no customer consent is on record."))
        body = self._dealer_ended_note(lead._dealer_staff_env(), advisor)
        lead.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note",
                          attachment_ids=self.recording_id.ids)
        if self._dealer_is_answer(advisor):
            lead._dealer_human_responded("video", advisor, when=self.started_at)
        return True

    def _dealer_is_answer(self, advisor):
        """A video call answers the customer when advisor and customer were both in the call
        (the gateway's ``started_at``, set once both are connected and media is negotiated)
        for at least ``video_min_answer_seconds`` (default 20): opening the advisor's page
        alone, or a call cut at once, is not an answer."""
        self.ensure_one()
        return bool(advisor and self.started_at
                    and self.duration_seconds >= self._dealer_min_answer_seconds())

    @api.model
    def _dealer_min_answer_seconds(self):
        try:
            return max(0, int(self._dealer_param("video_min_answer_seconds",
                                                 MIN_ANSWER_SECONDS)))
        except ValueError:
            return MIN_ANSWER_SECONDS

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_lead(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "crm.lead",
                "res_id": self.lead_id.id, "view_mode": "form"}

    @api.model
    def _dealer_require_configured(self):
        if not self._dealer_video_configured():
            raise UserError(self.env._(
                "Live video is not configured: set the gateway URL and shared secret in "
                "CRM settings."))

    @staticmethod
    def _dealer_utc(value):
        """Naive UTC datetime from an ISO-8601 string (``Z`` or offset), or ``None``."""
        if not value:
            return None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed

    def _dealer_is_link_open(self, now=None):
        now = now or fields.Datetime.now()
        return self.state == "waiting" and self.link_expires_at and \
            self.link_expires_at > now + timedelta(minutes=5)

    def _dealer_ended_note(self, env, advisor):
        """The chatter note of an ended session, in the language of ``env``."""
        self.ensure_one()
        outcome = dict(self._fields["outcome"]._description_selection(env)).get(
            self.outcome, self.outcome or "")
        if advisor and self.started_at:
            return env._("Live video call with %(advisor)s: %(duration)s (%(outcome)s).",
                         advisor=advisor.name, duration=self.duration_display,
                         outcome=outcome)
        return env._("Live video session ended without an advisor (%(outcome)s).",
                     outcome=outcome)
