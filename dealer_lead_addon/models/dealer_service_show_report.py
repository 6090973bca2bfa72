from odoo import api, fields, models, tools
from odoo.tools import SQL


class DealerServiceShowReport(models.Model):
    """Show rate: one row per past appointment that was kept or missed (cancelled ones are
    not appointments any more), by advisor and by the reminders the customer got.

    ``show_pct`` is 100 or 0 per row and averaged, so any grouping shows its show rate.
    """

    _name = "dealer.service.show.report"
    _description = "Service Show Rate"
    _auto = False
    _order = "appointment_at desc"
    _rec_name = "visit_id"

    visit_id = fields.Many2one("dealer.service.visit", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("dealer.service.team", string="Service Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Service Advisor", readonly=True)
    appointment_at = fields.Datetime(string="Appointment", readonly=True)
    reminder_timing = fields.Char(
        string="Reminders", readonly=True,
        help="The reminders the customer got, e.g. '24h+2h'; '-' without any.")
    confirmed = fields.Boolean(string="Confirmed by the Customer", readonly=True)
    nbr = fields.Integer(string="# Appointments", readonly=True, aggregator="sum")
    show_count = fields.Integer(string="# Shows", readonly=True, aggregator="sum")
    no_show_count = fields.Integer(string="# No-shows", readonly=True, aggregator="sum")
    show_pct = fields.Float(string="Show Rate (%)", readonly=True, aggregator="avg",
                            digits=(16, 1))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            "CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query()))

    @api.model
    def _query(self):
        return SQL("""
            SELECT v.id AS id,
                   v.id AS visit_id,
                   v.company_id,
                   v.team_id,
                   v.user_id,
                   v.appointment_at,
                   COALESCE(v.reminder_timing, '-') AS reminder_timing,
                   v.confirmed_at IS NOT NULL AS confirmed,
                   1 AS nbr,
                   CASE WHEN v.status = 'no_show' THEN 0 ELSE 1 END AS show_count,
                   CASE WHEN v.status = 'no_show' THEN 1 ELSE 0 END AS no_show_count,
                   CASE WHEN v.status = 'no_show' THEN 0.0 ELSE 100.0 END AS show_pct
              FROM dealer_service_visit v
             WHERE v.appointment_at IS NOT NULL
               AND v.status IN ('no_show', 'checked_in', 'waiting_approval',
                                'parts_on_order', 'ready', 'picked_up')
        """)
