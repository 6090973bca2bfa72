from odoo import api, fields, models, tools
from odoo.tools import SQL

from .dealer_response_clock import CHANNELS


class DealerResponseReport(models.Model):
    """Response dashboard: one row per response clock (first answer to an inquiry, or answer to
    a later customer message), with the lead's dimensions.

    ``within_10_pct`` / ``within_60_pct`` are 100 or 0 per row and averaged, so any grouping
    shows the share answered in time. A clock still running and not yet missed counts in
    neither (NULL): its outcome is not known yet. Median and 90th percentile cannot be
    aggregated by the pivot: :meth:`_dealer_stats` computes them for any domain. The mystery
    shopper's test leads are left out: they count in no real figure.
    """

    _name = "dealer.response.report"
    _description = "Response Time Analysis"
    _auto = False
    _order = "started_at desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    kind = fields.Selection(
        [("first", "First Response"), ("message", "Message Response")], readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    answered_by_id = fields.Many2one("res.users", readonly=True)
    source_id = fields.Many2one("dealer.lead.source", string="Lead Source", readonly=True)
    started_at = fields.Datetime(string="Received On", readonly=True)
    deadline = fields.Datetime(string="Answer By", readonly=True)
    business_hours = fields.Boolean(string="Received in Business Hours", readonly=True)
    hours = fields.Selection(
        [("business", "Received in business hours"), ("after", "Received after hours")],
        string="Business Hours or After Hours", readonly=True)
    state = fields.Selection(
        [("running", "Waiting"), ("answered", "Answered"), ("closed", "Closed")],
        readonly=True)
    answered_channel = fields.Selection(CHANNELS, string="Channel", readonly=True)
    missed = fields.Boolean(string="SLA Missed", readonly=True)
    nbr = fields.Integer(string="Leads and Messages to Answer", readonly=True, aggregator="sum")
    missed_count = fields.Integer(string="Deadlines Missed", readonly=True, aggregator="sum")
    response_minutes = fields.Float(
        string="Average Response Time (min)", readonly=True, aggregator="avg", digits=(16, 1),
        help="Empty while nobody has answered.")
    business_minutes = fields.Float(
        string="Average Response Time (business min)", readonly=True, aggregator="avg",
        digits=(16, 1))
    within_5_pct = fields.Float(
        string="Answered within 5 min (%)", readonly=True, aggregator="avg", digits=(16, 1))
    within_10_pct = fields.Float(
        string="Answered within 10 min (%)", readonly=True, aggregator="avg", digits=(16, 1))
    within_60_pct = fields.Float(
        string="Answered within 1 h (%)", readonly=True, aggregator="avg", digits=(16, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            "CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    @api.model
    def _query(self):
        return SQL("""
            SELECT c.id AS id,
                   c.lead_id,
                   c.kind,
                   c.company_id,
                   c.team_id,
                   c.user_id,
                   c.answered_by_id,
                   c.source_id,
                   c.started_at,
                   c.deadline,
                   c.business_hours,
                   CASE WHEN c.business_hours THEN 'business' ELSE 'after' END AS hours,
                   c.state,
                   c.answered_channel,
                   COALESCE(c.missed, FALSE) AS missed,
                   1 AS nbr,
                   CASE WHEN c.missed THEN 1 ELSE 0 END AS missed_count,
                   CASE WHEN c.answered_at IS NOT NULL THEN c.wall_minutes END
                       AS response_minutes,
                   CASE WHEN c.answered_at IS NOT NULL THEN c.business_minutes END
                       AS business_minutes,
                   %(within_5)s AS within_5_pct,
                   %(within_10)s AS within_10_pct,
                   %(within_60)s AS within_60_pct
              FROM dealer_response_clock c
              JOIN crm_lead l ON l.id = c.lead_id
             WHERE l.dealer_is_test IS NOT TRUE
        """, within_5=self._within(5), within_10=self._within(10), within_60=self._within(60))

    @api.model
    def _within(self, minutes):
        return SQL("""
            CASE WHEN c.answered_at IS NOT NULL AND c.wall_minutes <= %(minutes)s THEN 100.0
                 WHEN c.answered_at IS NOT NULL OR c.missed OR c.state = 'closed' THEN 0.0
            END""", minutes=minutes)

    @api.model
    def _dealer_stats(self, domain):
        """Figures the pivot cannot aggregate, for the rows matching ``domain``.

        :return: dict with ``count``, ``answered``, ``missed``, ``median``, ``p90`` (wall
            minutes), ``median_business`` (business minutes), ``within_10_pct``,
            ``within_60_pct``, ``median_business_hours`` and ``median_after_hours``
        """
        query = self._search(domain)
        table = self._table
        minutes = SQL.identifier(table, "response_minutes")
        in_hours = SQL.identifier(table, "business_hours")
        self.env.cr.execute(query.select(SQL(
            """COUNT(*),
               COUNT(%(minutes)s),
               COALESCE(SUM(%(missed)s), 0),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY %(minutes)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(business)s),
               AVG(%(within_10)s),
               AVG(%(within_60)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s)
                   FILTER (WHERE %(in_hours)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s)
                   FILTER (WHERE NOT %(in_hours)s)""",
            minutes=minutes, in_hours=in_hours,
            missed=SQL.identifier(table, "missed_count"),
            business=SQL.identifier(table, "business_minutes"),
            within_10=SQL.identifier(table, "within_10_pct"),
            within_60=SQL.identifier(table, "within_60_pct"),
        )))
        row = self.env.cr.fetchone()
        keys = ["count", "answered", "missed", "median", "p90", "median_business",
                "within_10_pct", "within_60_pct", "median_business_hours",
                "median_after_hours"]
        stats = dict(zip(keys, row, strict=True))
        for key in keys[3:]:  # AVG gives Decimal, percentile_cont double precision
            stats[key] = None if stats[key] is None else round(float(stats[key]), 2)
        return stats
