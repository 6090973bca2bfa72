from datetime import datetime, time, timedelta

from odoo import api, fields, models


class DealerResponseSummary(models.TransientModel):
    """Response-time headline figures (median, 90th percentile, shares in time) for a period
    and optional team, salesperson and source, with a button to the detailed dashboard."""

    _name = "dealer.response.summary"
    _description = "Response Time Summary"

    date_from = fields.Date(
        string="From", required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=30))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    kind = fields.Selection(
        [("first", "First Response"), ("message", "Message Response")], default="first",
        string="Response To")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Salesperson")
    source_id = fields.Many2one("dealer.lead.source", string="Lead Source")
    count = fields.Integer(string="Responses Due", compute="_compute_stats")
    answered = fields.Integer(compute="_compute_stats")
    missed = fields.Integer(string="SLA Missed", compute="_compute_stats")
    median = fields.Float(string="Median (min)", compute="_compute_stats", digits=(16, 1))
    p90 = fields.Float(string="90th Percentile (min)", compute="_compute_stats",
                       digits=(16, 1))
    median_business = fields.Float(string="Median (business min)", compute="_compute_stats",
                                   digits=(16, 1))
    within_10_pct = fields.Float(string="Within 10 min (%)", compute="_compute_stats",
                                 digits=(16, 1))
    within_60_pct = fields.Float(string="Within 1 h (%)", compute="_compute_stats",
                                 digits=(16, 1))
    median_business_hours = fields.Float(
        string="Median in Business Hours (min)", compute="_compute_stats", digits=(16, 1))
    median_after_hours = fields.Float(
        string="Median after Hours (min)", compute="_compute_stats", digits=(16, 1))

    @api.depends("date_from", "date_to", "kind", "team_id", "user_id", "source_id")
    def _compute_stats(self):
        Report = self.env["dealer.response.report"]
        for summary in self:
            stats = Report._dealer_stats(summary._dealer_domain())
            for name, value in stats.items():
                summary[name] = value or 0

    def _dealer_domain(self):
        self.ensure_one()
        tz_start = datetime.combine(self.date_from or fields.Date.today(), time.min)
        tz_end = datetime.combine(self.date_to or fields.Date.today(), time.min)
        domain = [("started_at", ">=", tz_start),
                  ("started_at", "<", tz_end + timedelta(days=1))]
        for name in ("kind", "team_id", "user_id", "source_id"):
            if self[name]:
                domain.append((name, "=", self[name].id if name != "kind" else self[name]))
        return domain

    def action_open_dashboard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_lead_addon.dealer_response_report_action")
        action["domain"] = self._dealer_domain()
        action["context"] = {}
        return action
