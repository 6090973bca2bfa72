import logging
from datetime import UTC, timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import RedirectWarning, ValidationError

# the fields a running clock's deadline and pre-warning are computed from
PLANNING_FIELDS = {"first_response_minutes", "message_response_minutes", "prewarn_minutes",
                   "hours_mode", "calendar_id"}


class DealerSlaPolicy(models.Model):
    """How fast a team must answer its leads, and what happens when it does not.

    A policy belongs to a sales team and optionally to one lead source (a source-specific policy
    wins over the team's general one). Targets are counted in the team's business hours (public
    holidays and leaves of the calendar excluded) or around the clock. When a deadline is missed
    the escalation ladder runs, one step every ``escalation_minutes``: alert the salesperson,
    alert the manager, then reassign to the next available member of the rotation, again and
    again until someone answers.
    """

    _name = "dealer.sla.policy"
    _description = "Response SLA Policy"
    _order = "team_id, source_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, index=True,
                              ondelete="cascade")
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    source_id = fields.Many2one(
        "dealer.lead.source", string="Lead Source", ondelete="cascade",
        help="Only for leads of this source; leave empty for every lead of the team.")
    first_response_minutes = fields.Integer(
        string="First Response (min)", default=10, required=True,
        help="Time for the first human answer to a new lead.")
    message_response_minutes = fields.Integer(
        string="Message Response (min)", default=5, required=True,
        help="Time to answer a later message of the customer.")
    hours_mode = fields.Selection(
        [("business", "Business hours"), ("always", "Around the clock")],
        string="Counted In", default="business", required=True)
    calendar_id = fields.Many2one(
        "resource.calendar", string="Business Hours",
        help="Hours in which the clock runs; defaults to the team's business hours.")
    prewarn_minutes = fields.Integer(
        string="Pre-warning (min)", default=3,
        help="Warn the salesperson this many minutes before the deadline (0: no warning).")
    escalation_minutes = fields.Integer(
        string="Escalate Every (min)", default=10, required=True,
        help="Time between two steps of the escalation ladder once the deadline is missed.")
    escalate_manager = fields.Boolean(string="Alert the Manager", default=True)
    manager_id = fields.Many2one(
        "res.users", help="Who is alerted; defaults to the team leader.")
    reassign = fields.Boolean(
        default=True,
        help="Give the lead to the next available member of the team's rotation, repeatedly, "
             "until someone answers.")

    _minutes_positive = models.Constraint(
        "CHECK(first_response_minutes > 0 AND message_response_minutes > 0 "
        "AND escalation_minutes > 0 AND prewarn_minutes >= 0)",
        "Response times and escalation intervals must be positive.")

    @api.constrains("prewarn_minutes", "first_response_minutes", "message_response_minutes")
    def _check_prewarn_minutes(self):
        for policy in self:
            shortest = min(policy.first_response_minutes, policy.message_response_minutes)
            if policy.prewarn_minutes and policy.prewarn_minutes >= shortest:
                raise ValidationError(self.env._(
                    "The pre-warning (%(prewarn)s min) must come before the shortest response "
                    "time (%(shortest)s min).", prewarn=policy.prewarn_minutes,
                    shortest=shortest))

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _dealer_policy_id
        return super().create(vals_list)

    def unlink(self):
        self.env.registry.clear_cache()  # _dealer_policy_id
        return super().unlink()

    def write(self, vals):
        """New targets re-plan the clocks already running only once the manager said so:
        without ``dealer_sla_replan`` in the context (True: re-plan, False: running clocks
        keep their deadlines), a change of targets that would move running clocks asks
        first (``dealer.sla.policy.replan``)."""
        replan = self.env.context.get("dealer_sla_replan")
        if replan is None and self._dealer_changed_targets(vals) and (
                self._dealer_clocks_to_replan()):
            self._dealer_ask_before_replan(vals)
        self.env.registry.clear_cache()  # _dealer_policy_id
        result = super().write(vals)
        if replan is not False and PLANNING_FIELDS.intersection(vals):
            self._dealer_clocks_to_replan()._dealer_replan()
        return result

    def _dealer_changed_targets(self, vals):
        """Whether ``vals`` changes a planning field of one of these policies."""
        for name in PLANNING_FIELDS.intersection(vals):
            field = self._fields[name]
            for policy in self:
                current = field.convert_to_write(policy[name], policy)
                if (current or False) != (vals[name] or False):
                    return True
        return False

    def _dealer_clocks_to_replan(self):
        """The running clocks whose deadlines follow these policies (a missed clock keeps
        escalating as planned)."""
        # sudo: clocks are system records, read-only even for the manager editing the policy
        return self.env["dealer.response.clock"].sudo().search([
            ("policy_id", "in", self.ids), ("state", "=", "running"), ("missed", "=", False),
        ])

    def _dealer_ask_before_replan(self, vals):
        """Stop the save and offer the confirmation, which saves ``vals`` once answered."""
        self.ensure_one()
        count = len(self._dealer_clocks_to_replan())
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_lead_addon.dealer_sla_policy_replan_action")
        # the save is rolled back: the change travels in the context, as in a new wizard
        action["context"] = {"default_policy_id": self.id, "default_values": vals}
        question = RedirectWarning(
            self.env._("These targets would move the deadlines of %(count)s running response "
                       "clock(s). Nothing is saved yet.", count=count),
            action, self.env._("Review and confirm"))
        question.loglevel = logging.INFO  # a question to the user, not an error of the server
        raise question

    @api.model
    def _dealer_find(self, lead):
        """The policy of ``lead``: its team's policy for its source, else the team's general
        policy (empty recordset when the team has none)."""
        if not lead.team_id:
            return self.browse()
        # exists(): a team or source deleted removes its policies without clearing the cache
        return self.browse(self._dealer_policy_id(
            lead.team_id.id, lead.dealer_source_id.id)).exists()

    @api.model
    @tools.ormcache("team_id", "source_id")
    def _dealer_policy_id(self, team_id, source_id):
        """The id of the policy of a team and source (cached: every new lead asks, policies
        rarely change; their writes clear the cache), False when none."""
        # sudo: the same answer for every user (the key has no user)
        policies = self.sudo().with_context(active_test=True).search([
            ("team_id", "=", team_id), ("source_id", "in", [source_id or False, False]),
        ])
        return (policies.filtered("source_id") or policies)[:1].id

    # ------------------------------------------------------------
    # Clock arithmetic (naive UTC in, naive UTC out)
    # ------------------------------------------------------------

    def _dealer_calendar(self):
        """The calendar the clock runs on, or an empty recordset around the clock."""
        self.ensure_one()
        if self.hours_mode == "always":
            return self.env["resource.calendar"]
        return self.calendar_id or self.team_id._dealer_calendar()

    def _dealer_add_minutes(self, start, minutes):
        """``start`` plus ``minutes`` of clock time: business minutes on the policy's calendar
        (holidays and leaves skipped, the calendar's time zone and its DST changes applied),
        or plain minutes around the clock."""
        calendar = self._dealer_calendar()
        if not calendar:
            return start + timedelta(minutes=minutes)
        end = calendar.plan_hours(minutes / 60, start.replace(tzinfo=UTC), compute_leaves=True)
        if not end:  # no working time in the next years: fall back to wall-clock time
            return start + timedelta(minutes=minutes)
        return _round_to_second(end.astimezone(UTC).replace(tzinfo=None))

    def _dealer_business_minutes(self, start, end):
        """Clock minutes between ``start`` and ``end`` (business minutes on the calendar)."""
        if end <= start:
            return 0.0
        calendar = self._dealer_calendar()
        if not calendar:
            return (end - start).total_seconds() / 60
        hours = calendar.get_work_hours_count(
            start.replace(tzinfo=UTC), end.replace(tzinfo=UTC), compute_leaves=True)
        return round(hours * 60, 2)

    def _dealer_in_business_hours(self, at):
        """Whether ``at`` falls inside the business hours (always True around the clock)."""
        return (self.calendar_id or self.team_id._dealer_calendar())._dealer_is_open(at)

    def _dealer_manager(self, lead):
        self.ensure_one()
        return self.manager_id or lead.team_id.user_id


def _round_to_second(when):
    if when.microsecond >= 500000:
        when += timedelta(seconds=1)
    return when.replace(microsecond=0)
