from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import callback_time, quiet_hours, service_reply

_lt = LazyTranslate(__name__)

STATUSES = [
    ("booked", "Booked"),
    ("confirmed", "Confirmed"),
    ("checked_in", "Checked In"),
    ("waiting_approval", "Waiting for Approval"),
    ("parts_on_order", "Parts on Order"),
    ("ready", "Ready"),
    ("picked_up", "Picked Up"),
    ("cancelled", "Cancelled"),
    ("no_show", "No-show"),
]
CLOSED_STATUSES = ("picked_up", "cancelled", "no_show")
# statuses in which the appointment is still ahead (reminders, confirm and cancel answers)
UPCOMING_STATUSES = ("booked", "confirmed")
# the customer came: every status from check-in on
SHOWN_STATUSES = ("checked_in", "waiting_approval", "parts_on_order", "ready", "picked_up")
# statuses texted to the customer when the visit reaches them (check-in has the welcome text)
TEXTED_STATUSES = ("confirmed", "waiting_approval", "parts_on_order", "ready", "picked_up",
                   "cancelled", "no_show")
APPOINTMENT_MINUTES = 60
WELCOME_EVERY = timedelta(days=7)


class DealerServiceVisit(models.Model):
    """One service visit: a customer, a vehicle, an advisor, the appointment and the repair
    order, with its status texted to the customer and their answers on the chatter."""

    _name = "dealer.service.visit"
    _description = "Service Visit"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "appointment_at desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    team_id = fields.Many2one("dealer.service.team", string="Service Team", index=True,
                              tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True)
    phone = fields.Char(related="partner_id.phone", readonly=False)
    vehicle_id = fields.Many2one(
        "dealer.service.vehicle", index=True, tracking=True,
        domain="[('partner_id', '=', partner_id)]")
    mileage = fields.Integer(string="Mileage In (km)")
    user_id = fields.Many2one(
        "res.users", string="Service Advisor", index=True, tracking=True,
        domain=[("share", "=", False)], default=lambda self: self.env.user)
    appointment_at = fields.Datetime(string="Appointment", index=True, tracking=True)
    event_id = fields.Many2one("calendar.event", string="Calendar Event", readonly=True,
                               copy=False)
    ro_number = fields.Char(string="Repair Order", index="btree_not_null", tracking=True)
    description = fields.Text(string="Work Requested")
    status = fields.Selection(
        STATUSES, default="booked", required=True, index=True, tracking=True,
        group_expand="_group_expand_status")
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    reschedule_requested = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="The customer asked for another time; the advisor proposes one.")
    checked_in_at = fields.Datetime(readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    reminder_timing = fields.Char(
        readonly=True, copy=False,
        help="The reminders the customer got before the appointment, e.g. '24h+2h'.")
    source_id = fields.Many2one("dealer.lead.source", string="DMS", readonly=True, copy=False)
    dms_id = fields.Char(string="DMS Id", readonly=True, copy=False,
                         help="The id of this appointment in the dealer management system.")
    reply_waiting_since = fields.Datetime(
        string="Customer Waiting Since", readonly=True, copy=False,
        help="The customer texted and nobody has answered by text yet.")
    reply_due_at = fields.Datetime(string="Answer Due", readonly=True, copy=False,
                                   index="btree_not_null")
    reply_late = fields.Boolean(string="Answer Late", readonly=True, copy=False)
    response_minutes = fields.Float(
        string="Last Response Time (min)", readonly=True, copy=False, digits=(16, 1),
        aggregator="avg", help="How long the customer's last text waited for an answer.")
    survey_input_id = fields.Many2one("survey.user_input", string="Satisfaction Survey",
                                      readonly=True, copy=False)
    survey_score = fields.Integer(related="survey_input_id.dealer_score",
                                  string="Satisfaction (0-10)")
    survey_detractor = fields.Boolean(related="survey_input_id.dealer_detractor",
                                      string="Unhappy Customer")
    text_ids = fields.One2many("dealer.service.text", "visit_id", string="Texts Sent",
                               readonly=True)
    tire_service = fields.Boolean(
        tracking=True,
        help="Tires were changed or fitted at this visit: tire campaigns count from it.")

    _dms_uniq = models.Constraint(
        "UNIQUE(source_id, dms_id)", "This DMS appointment already exists.")

    # ------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------

    @api.depends("ro_number", "partner_id.name")
    def _compute_name(self):
        for visit in self:
            visit.name = " - ".join(part for part in (visit.ro_number, visit.partner_id.name)
                                    if part) or self.env._("New Visit")

    @api.model
    def _group_expand_status(self, statuses, domain):
        return [key for key, _label in STATUSES]

    def _dealer_customer_lang(self):
        """'fr' or 'en': the language of the customer's texts (French by default)."""
        self.ensure_one()
        lang = self.partner_id.lang or "fr_CA"
        return "en" if lang.startswith("en") else "fr"

    def _dealer_customer_name(self):
        return self.partner_id.name

    def _dealer_appointment_display(self, lang=None):
        """The appointment in the customer's words: 'mardi 1 déc. à 14 h 30' / 'Tue Dec 1 at
        2:30 PM', in the dealership's time zone."""
        self.ensure_one()
        if not self.appointment_at:
            return ""
        lang = lang or self._dealer_customer_lang()
        tz = self.company_id.partner_id.tz or "America/Toronto"
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.appointment_at)
        return format_local(local, lang)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits._dealer_sync_event()
        for visit in visits:
            visit._dealer_send_confirmation()
        visits._dealer_plan_reminders()
        return visits

    def write(self, vals):
        before = {visit.id: (visit.status, visit.appointment_at) for visit in self}
        result = super().write(vals)
        if {"appointment_at", "partner_id", "user_id", "vehicle_id"} & set(vals):
            self._dealer_sync_event()
        for visit in self:
            status, appointment_at = before[visit.id]
            if "appointment_at" in vals and visit.appointment_at != appointment_at:
                visit._dealer_rescheduled()
            if "status" in vals and visit.status != status:
                visit._dealer_status_changed(status)
        return result

    def _dealer_sync_event(self):
        """The appointment is a ``calendar.event`` of the advisor, with the customer."""
        for visit in self.filtered("appointment_at"):
            # the event is the advisor's: named in their language
            env = visit.with_context(lang=visit.user_id.lang or self.env.lang).env
            values = {
                "name": env._("Service: %(name)s", name=visit.vehicle_id.display_name
                              or visit.partner_id.name),
                "start": visit.appointment_at,
                "stop": visit.appointment_at + timedelta(minutes=APPOINTMENT_MINUTES),
                "user_id": visit.user_id.id,
                "partner_ids": [(6, 0, (visit.partner_id | visit.user_id.partner_id).ids)],
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": visit.id,
            }
            # sudo: the advisor's calendar follows the visit whoever books it (DMS, staff);
            # no invitation e-mails: the customer is texted by this addon
            Event = self.env["calendar.event"].sudo().with_context(
                no_mail_to_attendees=True, dont_notify=True, mail_create_nolog=True)
            if visit.event_id:
                visit.event_id.sudo().with_context(no_mail_to_attendees=True,
                                                   dont_notify=True).write(values)
            else:
                visit.event_id = Event.create(values)

    def _dealer_rescheduled(self):
        """A new time: the customer gets a new confirmation and new reminders."""
        self.reschedule_requested = False
        if self.status == "confirmed":
            self.status = "booked"
        self._dealer_send_confirmation()
        self._dealer_plan_reminders()

    def _dealer_status_changed(self, previous):
        now = fields.Datetime.now()
        if self.status == "confirmed":
            self.confirmed_at = now
        elif self.status == "checked_in":
            self.checked_in_at = now
        if self.status in CLOSED_STATUSES:
            self.closed_at = now
            if self.status == "cancelled" and self.event_id:
                # sudo: the advisor's appointment goes with the visit
                self.event_id.sudo().with_context(no_mail_to_attendees=True).active = False
        if self.status == "picked_up":
            self._dealer_invite_to_survey()
        if self.status == "checked_in":
            self._dealer_send_welcome()
        elif self.status in TEXTED_STATUSES and (
                self.team_id.send_status_texts or not self.team_id):
            self._dealer_service_text(self.status)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_check_in(self):
        self.write({"status": "checked_in"})

    def action_confirm(self):
        self.write({"status": "confirmed"})

    def action_no_show(self):
        self.write({"status": "no_show"})

    def action_cancel(self):
        self.write({"status": "cancelled"})

    def action_ready(self):
        self.write({"status": "ready"})

    def action_picked_up(self):
        self.write({"status": "picked_up"})

    # ------------------------------------------------------------
    # Texts
    # ------------------------------------------------------------

    def _dealer_invite_to_survey(self):
        """The team's satisfaction survey, the same for every customer (no gating): its link
        rides in the pick-up text."""
        survey = self.team_id.survey_id if self.team_id else self.env.ref(
            "dealer_lead_addon.survey_service_satisfaction", raise_if_not_found=False)
        if not survey or self.survey_input_id or not survey.active:
            return
        # sudo: advisors and the DMS invite the customer; survey answers are the survey
        # manager's records
        lang = self.env["res.lang"]._lang_get(self.partner_id.lang or "fr_CA")
        self.survey_input_id = survey.sudo()._create_answer(
            partner=self.partner_id, check_attempts=False,
            dealer_service_visit_id=self.id, lang_id=lang.id)

    def _dealer_survey_url(self):
        """The customer's personal link to the survey (shown in the answer's language)."""
        self.ensure_one()
        answer = self.survey_input_id.sudo()
        return f"{answer.get_base_url()}{answer.get_start_url()}" if answer else ""

    def _dealer_customer_number(self):
        partner = self.partner_id
        return partner.phone_sanitized or self.company_id._dealer_e164(partner.phone or "")

    def _dealer_template(self, kind, lang):
        return self.env.ref(f"dealer_lead_addon.sms_template_service_{kind}_{lang}",
                            raise_if_not_found=False)

    def _dealer_service_text(self, kind, slot="-", offset_hours=0.0):
        """Text the customer the template of ``kind`` in their language, once per visit,
        kind and slot whatever the number of workers and cron runs.

        :return: the ``dealer.service.text`` row, or None when nothing was sent (no number, no
            template, or sent already)
        """
        self.ensure_one()
        lang = self._dealer_customer_lang()
        template = self._dealer_template(kind, lang)
        number = self._dealer_customer_number()
        if not template or not (template.body or "").strip():
            return None
        if not number:
            self._message_log(body=self.env._(
                "No text to the customer (%(kind)s): the customer has no valid phone number.",
                kind=dict(self.env["dealer.service.text"]._fields["kind"]._description_selection(
                    self.env))[kind]))
            return None
        log = self._dealer_claim_text(kind, slot, offset_hours)
        if not log:
            return None
        body = self.env["dealer.outbound"]._render_sms(template, self, lang)
        sms = self.env["dealer.outbound"]._send_sms(
            self, body, purpose="service", number=number, partner=self.partner_id)
        log.sms_id = sms[:1]
        return log

    def _dealer_claim_text(self, kind, slot, offset_hours):
        """The new log row of this text, or None when another run has it already."""
        now = fields.Datetime.now()
        self.env["dealer.service.text"].flush_model()
        self.env.cr.execute("""
            INSERT INTO dealer_service_text
                   (visit_id, partner_id, kind, slot, offset_hours,
                    create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (visit_id, kind, slot) DO NOTHING
            RETURNING id
        """, [self.id, self.partner_id.id, kind, slot, offset_hours, self.env.uid,
              self.env.uid, now, now])
        row = self.env.cr.fetchone()
        if not row:
            return None
        self.invalidate_recordset(["text_ids"])
        return self.env["dealer.service.text"].browse(row[0])

    def _dealer_slot(self):
        return fields.Datetime.to_string(self.appointment_at) if self.appointment_at else "-"

    def _dealer_send_confirmation(self):
        """The booking confirmation, once per appointment time."""
        if (self.status not in UPCOMING_STATUSES or not self.appointment_at
                or self.appointment_at <= fields.Datetime.now()
                or (self.team_id and not self.team_id.send_confirmation)):
            return None
        return self._dealer_service_text("confirmation", self._dealer_slot())

    def _dealer_send_welcome(self):
        """myKaarma's rule: a welcome at check-in, only inside the texting window (never held
        for the morning: it would arrive after the customer left) and never twice in 7 days
        to the same customer."""
        number = self._dealer_customer_number()
        if not number:
            return None
        now = fields.Datetime.now()
        if not self._dealer_in_texting_window(number, now):
            self._message_log(body=self.env._(
                "No welcome text: the check-in is outside the texting window of the customer."))
            return None
        # two check-ins of the same customer at once: one welcome
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [
            _welcome_lock_id(self.partner_id.id)])
        recent = self.env["dealer.service.text"].search_count([
            ("partner_id", "=", self.partner_id.id), ("kind", "=", "welcome"),
            ("create_date", ">", now - WELCOME_EVERY)], limit=1)
        if recent:
            self._message_log(body=self.env._(
                "No welcome text: the customer got one in the last 7 days."))
            return None
        return self._dealer_service_text("welcome")

    def _dealer_in_texting_window(self, number, now):
        """Whether a text to ``number`` may leave now (the guard's quiet hours)."""
        company = self.company_id
        zones = self.env["sms.sms"].new({
            "number": number, "partner_id": self.partner_id.id})._dealer_recipient_timezones()
        return quiet_hours.is_allowed(now, zones, company.dealer_quiet_hour_start,
                                      company.dealer_quiet_hour_end)

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    def _dealer_plan_reminders(self):
        """Wake the reminder cron when each reminder of these visits is due."""
        now = fields.Datetime.now()
        moments = [visit.appointment_at - timedelta(hours=offset)
                   for visit in self.filtered(lambda v: v.appointment_at
                                              and v.status in UPCOMING_STATUSES)
                   for offset in visit.team_id._dealer_reminder_offsets()]
        moments = [moment for moment in moments if moment > now]
        cron = self.env.ref("dealer_lead_addon.ir_cron_dealer_service_reminders",
                            raise_if_not_found=False)
        if cron and moments:
            # sudo: staff and the DMS plan the reminders of their visits
            cron.sudo()._trigger(at=moments)

    @api.model
    def _cron_dealer_service_reminders(self):
        """Send the reminders due now: each in its own window (a visit booked 3 hours ahead
        gets the 2-hour reminder, not a late 24-hour one), once."""
        now = fields.Datetime.now()
        horizon = max([offset for team in self.env["dealer.service.team"].search([])
                       for offset in team._dealer_reminder_offsets()] + [24.0])
        visits = self.search([
            ("status", "in", UPCOMING_STATUSES), ("appointment_at", ">", now),
            ("appointment_at", "<=", now + timedelta(hours=horizon)),
        ], order="appointment_at")
        for visit in visits:
            visit._dealer_remind(now)
            self.env["ir.cron"]._commit_progress(1)

    def _dealer_remind(self, now):
        offsets = self.team_id._dealer_reminder_offsets()
        for index, offset in enumerate(offsets):
            start = self.appointment_at - timedelta(hours=offset)
            end = self.appointment_at - timedelta(hours=offsets[index + 1]) if (
                index + 1 < len(offsets)) else self.appointment_at
            booked_before = (self.create_date or now) <= start or self._dealer_rebooked_before(
                start)
            if start <= now < end and booked_before:
                slot = f"{self._dealer_slot()}/{offset:g}h"
                if self._dealer_service_text("reminder", slot, offset):
                    self._dealer_update_reminder_timing()
                return

    def _dealer_rebooked_before(self, moment):
        """Whether the current appointment time was confirmed to the customer before
        ``moment`` (a visit moved to a new time gets its reminders from then on)."""
        confirmation = self.text_ids.filtered(
            lambda text: text.kind == "confirmation" and text.slot == self._dealer_slot())
        return bool(confirmation) and min(confirmation.mapped("create_date")) <= moment

    def _dealer_update_reminder_timing(self):
        slot = self._dealer_slot()
        offsets = sorted({text.offset_hours for text in self.text_ids
                          if text.kind == "reminder" and text.slot.startswith(slot + "/")},
                         reverse=True)
        self.reminder_timing = "+".join(f"{offset:g}h" for offset in offsets) or False

    # ------------------------------------------------------------
    # Customer replies
    # ------------------------------------------------------------

    @api.model
    def _dealer_open_visit_for(self, number, company):
        """The visit a text from ``number`` is about: the customer's open visit (the
        nearest appointment first)."""
        if not number:
            return self.browse()
        return self.search([
            ("partner_id.phone_sanitized", "=", number),
            ("status", "not in", CLOSED_STATUSES),
            ("company_id", "in", [company.id, False]),
        ], order="appointment_at asc, id desc", limit=1)

    def _dealer_receive_reply(self, inbound):
        """A customer's text about this visit: on its chatter for the advisor, then what
        it asks for (confirm, another time, cancel, a call back)."""
        self.ensure_one()
        advisor = self._dealer_advisor()
        inbound._dealer_post_on(self, advisor)
        answer, _lang = service_reply.classify(inbound.body)
        if answer == service_reply.CONFIRM and self.status == "booked":
            self.status = "confirmed"
        elif answer == service_reply.CANCEL and self.status in UPCOMING_STATUSES:
            self.status = "cancelled"
            self._dealer_alert_advisor(advisor, _lt(
                "%(name)s cancelled the appointment of %(when)s by text.",
                name=self.partner_id.name, when=self._dealer_appointment_display()))
        elif answer == service_reply.RESCHEDULE and self.status in UPCOMING_STATUSES:
            self.reschedule_requested = True
            self._dealer_service_text("reschedule", self._dealer_slot())
            self._dealer_alert_advisor(advisor, _lt(
                "%(name)s asks for another time than %(when)s: call or text them a new "
                "time.", name=self.partner_id.name, when=self._dealer_appointment_display()),
                activity=_lt("Reschedule the appointment"))
            self._dealer_start_response_clock(inbound.received_at)
        else:
            self._dealer_plan_callback(inbound, advisor)
            self._dealer_start_response_clock(inbound.received_at)

    # ------------------------------------------------------------
    # Response time
    # ------------------------------------------------------------

    def _dealer_start_response_clock(self, since):
        """A customer text that only a person can answer: it is due within the team's
        minutes (the oldest unanswered text counts)."""
        minutes = self.team_id.response_minutes if self.team_id else 10
        if self.reply_waiting_since or not minutes:
            return
        since = since or fields.Datetime.now()
        due = since + timedelta(minutes=minutes)
        self.write({"reply_waiting_since": since, "reply_due_at": due, "reply_late": False})
        # sudo: the webhook user wakes the deadline check
        self.env.ref("dealer_lead_addon.ir_cron_dealer_service_response").sudo()._trigger(
            at=due)

    def _dealer_answered(self, when):
        """A person texted the customer: the clock stops."""
        for visit in self.filtered("reply_waiting_since"):
            visit.write({
                "response_minutes": round(max(
                    (when - visit.reply_waiting_since).total_seconds(), 0) / 60, 1),
                "reply_waiting_since": False, "reply_due_at": False,
            })

    @api.model
    def _dealer_sla_on_texts_left(self, texts):
        """Texts accepted by the provider: one written by a person answers its visit."""
        Lead = self.env["crm.lead"]
        for sms in texts:
            message = sms.mail_message_id
            if message.model != self._name or not message.res_id:
                continue
            if Lead._dealer_sla_human_author(message):
                # sudo: the queue stops the clock whoever's text it sent
                visit = self.sudo().browse(message.res_id).exists()
                visit._dealer_answered(fields.Datetime.now())
                self.env["survey.user_input"]._dealer_on_contact(visit, fields.Datetime.now())

    @api.model
    def _cron_dealer_service_response(self):
        """Alert the advisor and the service manager, once, for each customer text left
        unanswered past its deadline."""
        late = self.search([("reply_due_at", "<=", fields.Datetime.now()),
                            ("reply_late", "=", False)])
        for visit in late:
            visit.reply_late = True
            users = visit._dealer_advisor() | visit.team_id.user_id
            self.env["dealer.staff.alert"]._alert(visit, users, _lt(
                "%(name)s has been waiting for an answer about %(visit)s since %(since)s.",
                name=visit.partner_id.name, visit=visit.display_name,
                since=visit._dealer_local_time(visit.reply_waiting_since)),
                activity=_lt("Answer the customer"))
            self.env["ir.cron"]._commit_progress(1)

    def _dealer_local_time(self, when):
        tz = self.company_id.partner_id.tz or "America/Toronto"
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz), when)
        return format_time_fr(local.hour, local.minute)

    def _dealer_advisor(self):
        return self.user_id or self.team_id.user_id

    def _dealer_alert_advisor(self, advisor, body, activity=None):
        if advisor:
            self.env["dealer.staff.alert"]._alert(self, advisor, body, activity=activity)

    def _dealer_plan_callback(self, inbound, advisor):
        """"Appelez-moi à 15 h": a call activity for the advisor at that time; an hour that
        cannot be read for sure is left for the advisor to confirm."""
        tz = self.company_id.partner_id.tz or "America/Toronto"
        received = inbound.received_at or fields.Datetime.now()
        now_local = fields.Datetime.context_timestamp(self.with_context(tz=tz), received)
        callback = callback_time.parse(inbound.body, now_local.replace(tzinfo=None))
        if not callback or not advisor:
            return None
        env = self.with_context(lang=advisor.lang or self.env.lang).env
        summary = callback_summary(env, callback, "en" if (advisor.lang or "").startswith(
            "en") else "fr")
        # sudo: the webhook user schedules the advisor's call
        return self.sudo().activity_schedule(
            "mail.mail_activity_data_call", date_deadline=callback.day, summary=summary,
            note=inbound.body, user_id=advisor.id)


def _welcome_lock_id(partner_id):
    return (0x5E7 << 40) + partner_id


def format_local(local, lang):
    """A local datetime as the customer reads it (Quebec: '14 h 30', English: '2:30 PM')."""
    if lang == "fr":
        days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.",
                  "oct.", "nov.", "déc."]
        return f"{days[local.weekday()]} {local.day} {months[local.month - 1]} à " \
               f"{format_time_fr(local.hour, local.minute)}"
    return f"{local:%a %b} {local.day} at {format_time_en(local.hour, local.minute)}"


def format_time_fr(hour, minute):
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def format_time_en(hour, minute):
    suffix = "AM" if hour < 12 else "PM"
    hour12 = hour % 12 or 12
    return f"{hour12}:{minute:02d} {suffix}" if minute else f"{hour12} {suffix}"


def callback_summary(env, callback, lang):
    """The call activity's title in the advisor's language."""
    if callback.ambiguous:
        return env._("Call back: time to confirm with the customer")
    if callback.at:
        when = (format_time_fr if lang == "fr" else format_time_en)(
            callback.at.hour, callback.at.minute)
        return env._("Call back at %(time)s", time=when)
    if callback.period:
        period = {"morning": env._("in the morning"), "afternoon": env._("in the afternoon"),
                  "evening": env._("at the end of the day")}[callback.period]
        return env._("Call back %(period)s", period=period)
    return env._("Call back as soon as possible")
