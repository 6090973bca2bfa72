import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

CHANNELS = [("sms", "SMS"), ("email", "E-mail"), ("call", "Call"), ("video", "Video")]
STEPS = [("prewarn", "Pre-warning"), ("salesperson", "Alert Salesperson"),
         ("manager", "Alert Manager"), ("reassign", "Reassign")]
BATCH_SIZE = 200
RETRY_MINUTES = 5


class DealerResponseClock(models.Model):
    """One response clock: from an inquiry (kind 'first') or a later customer message (kind
    'message') until the first human answer.

    The deadline and the next escalation moment are stored; ``next_action_at`` is the only key
    the cron searches on (a partial index: only running clocks have it), so a cron run costs in
    proportion to what is due, not to what is open. Each escalation step is done and the clock
    advanced to the following step in the same transaction, on a row locked for that run: a step
    fires once even if the cron runs twice or crashes mid-batch.
    """

    _name = "dealer.response.clock"
    _description = "Response Clock"
    _order = "started_at desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    policy_id = fields.Many2one("dealer.sla.policy", required=True, ondelete="cascade")
    kind = fields.Selection(
        [("first", "First Response"), ("message", "Message Response")], required=True,
        default="first")
    company_id = fields.Many2one("res.company", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", help="Salesperson of the lead when the clock started.")
    source_id = fields.Many2one("dealer.lead.source", string="Lead Source")
    state = fields.Selection(
        [("running", "Running"), ("answered", "Answered"), ("closed", "Closed")],
        default="running", required=True, index=True,
        help="Closed: the lead was won, lost or archived before anyone answered.")
    started_at = fields.Datetime(required=True, index=True)
    deadline = fields.Datetime(required=True, index=True)
    prewarn_at = fields.Datetime(string="Pre-warning At")
    next_step = fields.Selection(STEPS)
    next_action_at = fields.Datetime(index="btree_not_null", copy=False)
    last_step = fields.Selection(STEPS, readonly=True)
    step_count = fields.Integer(readonly=True, help="Escalation steps done so far.")
    reassign_count = fields.Integer(readonly=True)
    business_hours = fields.Boolean(
        string="Started in Business Hours", help="Whether the clock started while the team was "
        "open (the dashboard compares business hours and after hours).")
    missed = fields.Boolean(readonly=True, help="The deadline passed before anyone answered.")
    answered_at = fields.Datetime(readonly=True)
    answered_by_id = fields.Many2one("res.users", readonly=True)
    answered_channel = fields.Selection(CHANNELS, readonly=True)
    wall_minutes = fields.Float(string="Response Time (min)", readonly=True, digits=(16, 2))
    business_minutes = fields.Float(
        string="Response Time (business min)", readonly=True, digits=(16, 2))

    # ------------------------------------------------------------
    # Start and stop
    # ------------------------------------------------------------

    @api.model
    def _dealer_start(self, leads, kind, at=None):
        """Start a ``kind`` clock on each of ``leads`` that has a policy; schedule the cron at
        the earliest moment one of them needs it. Returns the clocks."""
        at = (at or fields.Datetime.now()).replace(microsecond=0)
        vals_list = []
        for lead in leads:
            policy = self.env["dealer.sla.policy"]._dealer_find(lead)
            if policy:
                vals_list.append(self._dealer_plan(lead, policy, kind, at))
        # sudo: clocks are system records; whoever triggers them (website visitor, gateway)
        clocks = self.sudo().create(vals_list)
        clocks._dealer_sync_leads()
        clocks._dealer_schedule_at(clocks.mapped("next_action_at"))
        return clocks

    @api.model
    def _dealer_plan(self, lead, policy, kind, started_at):
        minutes = (policy.first_response_minutes if kind == "first"
                   else policy.message_response_minutes)
        deadline = policy._dealer_add_minutes(started_at, minutes)
        prewarn_at = False
        if policy.prewarn_minutes and policy.prewarn_minutes < minutes:
            prewarn_at = policy._dealer_add_minutes(started_at, minutes - policy.prewarn_minutes)
        return {
            "lead_id": lead.id,
            "policy_id": policy.id,
            "kind": kind,
            "company_id": lead.company_id.id or policy.company_id.id,
            "team_id": lead.team_id.id,
            "user_id": lead.user_id.id,
            "source_id": lead.dealer_source_id.id,
            "started_at": started_at,
            "deadline": deadline,
            "prewarn_at": prewarn_at,
            "next_step": "prewarn" if prewarn_at else "salesperson",
            "next_action_at": prewarn_at or deadline,
            "business_hours": policy._dealer_in_business_hours(started_at),
        }

    def _dealer_replan(self):
        """Recompute the deadline and pre-warning of running clocks from their start, after
        their policy changed. Clocks already past their deadline keep escalating as they were
        (the miss happened under the old rule); a pre-warning already sent is not sent again.
        """
        for clock in self.filtered(lambda c: c.state == "running" and not c.missed):
            plan = self._dealer_plan(clock.lead_id, clock.policy_id, clock.kind,
                                     clock.started_at)
            vals = {key: plan[key] for key in (
                "deadline", "prewarn_at", "next_step", "next_action_at")}
            if clock.last_step == "prewarn":
                vals.update(next_step="salesperson", next_action_at=plan["deadline"])
            clock.write(vals)
        self._dealer_sync_leads()
        self._dealer_schedule_at(self.mapped("next_action_at"))

    def _dealer_answer(self, channel, user, when):
        """Stop these running clocks: ``user`` answered through ``channel`` at ``when``."""
        # sudo: clocks are read-only for the salesperson whose answer stops them
        for clock in self.sudo().filtered(lambda c: c.state == "running"):
            answered_at = max(when, clock.started_at)
            clock.write({
                "state": "answered",
                "answered_at": answered_at,
                "answered_by_id": user.id,
                "answered_channel": channel,
                "wall_minutes": round((answered_at - clock.started_at).total_seconds() / 60, 2),
                "business_minutes": clock.policy_id._dealer_business_minutes(
                    clock.started_at, answered_at),
                "missed": clock.missed or answered_at > clock.deadline,
                "next_step": False,
                "next_action_at": False,
            })
        self._dealer_sync_leads()

    def _dealer_close(self):
        """The lead left the pipeline before anyone answered: no more escalation."""
        self.write({"state": "closed", "next_step": False, "next_action_at": False})
        self._dealer_sync_leads()

    def _dealer_sync_leads(self):
        """Copy the running clock's deadline and state onto the leads (list and kanban)."""
        for lead in self.lead_id:
            running = lead.dealer_sla_clock_ids.filtered(lambda c: c.state == "running")[:1]
            if running:
                if running.missed:
                    state = "overdue"
                elif running.last_step == "prewarn":
                    state = "warning"
                else:
                    state = "on_time"
                vals = {"dealer_sla_deadline": running.deadline, "dealer_sla_state": state}
            elif lead.dealer_first_response_at:
                vals = {"dealer_sla_deadline": False, "dealer_sla_state": "answered"}
            else:
                vals = {"dealer_sla_deadline": False, "dealer_sla_state": False}
            if any(lead[name] != value for name, value in vals.items()):
                # sudo: the SLA fields are read-only for salespeople
                lead.sudo().write(vals)

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_process_due(self, batch_size=BATCH_SIZE):
        """Do the due escalation steps, one batch per call (the cron runner calls again while
        ``remaining`` is positive), then wake the cron at the next moment a clock needs it."""
        now = fields.Datetime.now()
        processed, remaining = self._dealer_process_due_batch(batch_size, now)
        self.env["ir.cron"]._commit_progress(processed, remaining=remaining)
        if not remaining:
            self._dealer_schedule_next_run(now)

    @api.model
    def _dealer_process_due_batch(self, batch_size=BATCH_SIZE, now=None):
        """One batch of due clocks, locked so that a concurrent run skips them.

        :return: ``(processed, remaining)``
        """
        now = now or fields.Datetime.now()
        domain = [("next_action_at", "<=", now)]
        due = self.search(domain, order="next_action_at, id", limit=batch_size)
        clocks = due.try_lock_for_update()
        clocks._dealer_run_due_steps(now)
        remaining = self.search_count(domain) if len(due) == batch_size else 0
        return len(clocks), remaining

    def _dealer_run_due_steps(self, now):
        for clock in self:
            # re-checked on the locked row: another run may have done this step already
            if clock.state != "running" or not clock.next_action_at or clock.next_action_at > now:
                continue
            lead = clock.lead_id
            if not lead.active or lead.won_status in ("won", "lost"):
                clock._dealer_close()
                continue
            try:
                with self.env.cr.savepoint():
                    clock._dealer_do_step(now)
            except Exception:
                _logger.exception("SLA step %s of clock %s failed", clock.next_step, clock.id)
                self.env.invalidate_all()
                clock.next_action_at = now + timedelta(minutes=RETRY_MINUTES)

    def _dealer_do_step(self, now):
        """Do the current step and advance to the next one (same transaction: exactly once)."""
        self.ensure_one()
        step = self.next_step
        getattr(self, f"_dealer_step_{step}")(now)
        next_step, next_at = self._dealer_following_step(step, now)
        self.write({
            "last_step": step,
            "step_count": self.step_count + 1,
            "missed": self.missed or step != "prewarn",
            "next_step": next_step,
            "next_action_at": next_at,
        })
        self._dealer_sync_leads()

    def _dealer_following_step(self, step, now):
        """The step after ``step`` and when it is due: ``(step, datetime)`` or ``(False,
        False)`` at the end of the ladder."""
        policy = self.policy_id
        if step == "prewarn":
            return "salesperson", self.deadline
        ladder = ["salesperson"]
        if policy.escalate_manager:
            ladder.append("manager")
        if policy.reassign:
            ladder.append("reassign")
        following = ladder[ladder.index(step) + 1:] if step in ladder else []
        if following:
            next_step = following[0]
        elif step == "reassign":
            next_step = "reassign"  # again and again until someone answers
        else:
            return False, False
        return next_step, policy._dealer_add_minutes(now, policy.escalation_minutes)

    # ------------------------------------------------------------
    # Escalation steps
    # ------------------------------------------------------------

    def _dealer_step_prewarn(self, now):
        if now >= self.deadline:
            return  # the cron ran late: the overdue alert follows at once, no warning first
        lead = self.lead_id
        minutes = max(round((self.deadline - now).total_seconds() / 60), 0)
        body = _lt("%(minutes)s min left to answer %(customer)s. %(link)s", minutes=minutes,
                   customer=lead._dealer_sla_customer(), link=lead._dealer_link())
        self._dealer_alert(lead.user_id, body, activity=False, kind="deadline_soon")

    def _dealer_step_salesperson(self, now):
        lead = self.lead_id
        body = _lt("Overdue: %(customer)s is waiting for your answer. %(link)s",
                   customer=lead._dealer_sla_customer(), link=lead._dealer_link())
        self._dealer_alert(lead.user_id, body, kind="overdue")

    def _dealer_step_manager(self, now):
        lead = self.lead_id
        manager = self.policy_id._dealer_manager(lead)
        body = _lt(
            "SLA missed: %(customer)s has waited %(minutes)s min, %(user)s has not answered. "
            "%(link)s", customer=lead._dealer_sla_customer(),
            minutes=round((now - self.started_at).total_seconds() / 60),
            user=lead.user_id.name or _lt("nobody"), link=lead._dealer_link())
        self._dealer_alert(manager, body, kind="overdue")

    def _dealer_step_reassign(self, now):
        lead = self.lead_id
        previous = lead.user_id
        user = lead.team_id._dealer_next_available_member(exclude_users=previous, at=now)
        if not user:
            lead._message_log(body=lead._dealer_staff_env()._(
                "SLA missed: nobody else of %(team)s is available to take the lead.",
                team=lead.team_id.name))
            return
        # sudo: the escalation moves leads between salespeople whatever the cron user's rights
        lead.sudo().with_context(mail_auto_subscribe_no_notify=True).user_id = user
        self.reassign_count += 1
        lead._message_log(body=lead._dealer_staff_env()._(
            "SLA missed: lead reassigned from %(previous)s to %(user)s.",
            previous=previous.name or "-", user=user.name))
        body = _lt("Lead reassigned to you, answer now: %(customer)s. %(link)s",
                   customer=lead._dealer_sla_customer(), link=lead._dealer_link())
        self._dealer_alert(user, body, kind="new_lead")

    def _dealer_alert(self, user, body, activity=True, kind=None):
        """Alert ``user`` in Odoo and on their mobile, with a to-do unless it is only a
        warning (see ``dealer.staff.alert``)."""
        lead = self.lead_id
        self.env["dealer.staff.alert"]._alert(
            lead, user, body, kind=kind,
            subject=_lt("Lead waiting: %(customer)s", customer=lead._dealer_sla_customer()),
            activity=_lt("Answer this lead (SLA)") if activity else None)

    # ------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------

    @api.model
    def _dealer_cron(self):
        # sudo: any user whose action starts a clock must be able to wake the SLA cron
        return self.env.ref("dealer_lead_addon.ir_cron_dealer_sla_process_due").sudo()

    @api.model
    def _dealer_schedule_at(self, moments):
        """Wake the cron at the earliest of ``moments`` (a clock was created or moved
        earlier)."""
        moments = [moment for moment in moments if moment]
        if moments:
            self._dealer_cron()._trigger(at=min(moments))

    @api.model
    def _dealer_schedule_next_run(self, now):
        """After a run: wake the cron when the next clock needs it, unless already planned."""
        upcoming = self.search([("next_action_at", ">", now)], order="next_action_at",
                               limit=1).next_action_at
        if not upcoming:
            return
        cron = self._dealer_cron()
        planned = self.env["ir.cron.trigger"].sudo().search_count([
            ("cron_id", "=", cron.id), ("call_at", ">", now), ("call_at", "<=", upcoming),
        ], limit=1)
        if not planned:
            cron._trigger(at=upcoming)
