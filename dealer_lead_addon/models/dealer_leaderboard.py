from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.tools import SQL

PERIODS = ("today", "week", "month")
DIMENSIONS = ("user_id", "team_id", "source_id")
STATS = ("leads", "answered", "missed", "median", "p90", "within_5_pct", "within_10_pct",
         "within_60_pct", "median_business_hours", "median_after_hours", "leads_business_hours",
         "leads_after_hours", "messages", "messages_answered", "message_median")


class DealerLeaderboard(models.AbstractModel):
    """Response figures per salesperson, team and source for today, this week and this month,
    computed in one SQL query a period over the response clocks (``dealer.response.report``,
    so record rules apply).

    First responses and answers to later customer messages are counted apart. A figure with
    nothing to measure is ``None`` (the screen shows a blank, not a zero): a median when
    nobody answered, a share when no lead has an outcome yet. A lead still waiting past its
    deadline counts as missed at once (the SLA cron flags it a little later).
    """

    _name = "dealer.leaderboard"
    _description = "Response Leaderboard"

    @api.model
    def _dealer_tz(self):
        return ZoneInfo(self.env.context.get("tz") or self.env.user.tz
                        or self.env.company.resource_calendar_id.tz or "UTC")

    @api.model
    def _dealer_periods(self, now=None):
        """``{period: (start, end)}`` in naive UTC: today, this week (from Monday) and this
        month, in the user's time zone, up to ``now``."""
        now = now or fields.Datetime.now()
        tz = self._dealer_tz()
        local_now = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)
        today = local_now.date()
        starts = {
            "today": today,
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
        }

        def to_utc(day):
            local = datetime.combine(day, time.min).replace(tzinfo=tz)
            return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

        end = now + timedelta(seconds=1)
        return {period: (to_utc(start), end) for period, start in starts.items()}

    @api.model
    def dealer_leaderboard_data(self, kiosk=False):
        """Everything the leaderboard screen shows, as JSON.

        :param bool kiosk: for the showroom screen, which salespeople see too
        """
        now = fields.Datetime.now()
        periods = self._dealer_periods(now)
        return {
            "generated_at": fields.Datetime.to_string(now),
            "periods": {
                period: self._dealer_period_figures([("started_at", ">=", start),
                                                     ("started_at", "<", end)], now)
                for period, (start, end) in periods.items()
            },
        }

    @api.model
    def _dealer_period_figures(self, domain, now):
        """``{"total": stats, "user_id": [stats...], "team_id": [...], "source_id": [...]}``
        for the response clocks matching ``domain``; each row of a dimension carries ``id``
        and ``name`` (``id`` False: no salesperson, team or source)."""
        Report = self.env["dealer.response.report"]
        query = Report._search(domain)
        table = Report._table

        def col(name):
            return SQL.identifier(table, name)

        # a clock still running past its deadline is missed now, before the SLA cron flags it
        late = SQL("(%s = 'running' AND %s < %s)", col("state"), col("deadline"), now)
        missed = SQL("CASE WHEN %s = 1 OR %s THEN 1 ELSE 0 END", col("missed_count"), late)

        def share(name):
            return SQL("COALESCE(%s, CASE WHEN %s THEN 0.0 END)", col(name), late)

        first = SQL("%s = 'first'", col("kind"))
        message = SQL("%s = 'message'", col("kind"))
        minutes = col("response_minutes")
        grouping = SQL(", ").join(SQL("GROUPING(%s)", col(dim)) for dim in DIMENSIONS)
        select = SQL(
            """%(dims)s, %(grouping)s,
               COUNT(*) FILTER (WHERE %(first)s),
               COUNT(%(minutes)s) FILTER (WHERE %(first)s),
               COALESCE(SUM(%(missed)s) FILTER (WHERE %(first)s), 0),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s) FILTER (WHERE %(first)s),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY %(minutes)s) FILTER (WHERE %(first)s),
               AVG(%(w5)s) FILTER (WHERE %(first)s),
               AVG(%(w10)s) FILTER (WHERE %(first)s),
               AVG(%(w60)s) FILTER (WHERE %(first)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s)
                   FILTER (WHERE %(first)s AND %(in_hours)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s)
                   FILTER (WHERE %(first)s AND NOT %(in_hours)s),
               COUNT(*) FILTER (WHERE %(first)s AND %(in_hours)s),
               COUNT(*) FILTER (WHERE %(first)s AND NOT %(in_hours)s),
               COUNT(*) FILTER (WHERE %(message)s),
               COUNT(%(minutes)s) FILTER (WHERE %(message)s),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY %(minutes)s)
                   FILTER (WHERE %(message)s)""",
            dims=SQL(", ").join(col(dim) for dim in DIMENSIONS), grouping=grouping,
            first=first, message=message, minutes=minutes, missed=missed,
            w5=share("within_5_pct"), w10=share("within_10_pct"), w60=share("within_60_pct"),
            in_hours=SQL("COALESCE(%s, FALSE)", col("business_hours")))
        sets = SQL(", ").join(SQL("(%s)", col(dim)) for dim in DIMENSIONS)
        self.env.cr.execute(SQL("%s GROUP BY GROUPING SETS (%s, ())", query.select(select),
                                sets))
        figures = {"total": self._dealer_empty_stats(), **{dim: [] for dim in DIMENSIONS}}
        for row in self.env.cr.fetchall():
            ids, flags, values = (row[:len(DIMENSIONS)], row[len(DIMENSIONS):2 * len(DIMENSIONS)],
                                  row[2 * len(DIMENSIONS):])
            stats = self._dealer_stats_values(values)
            grouped = [dim for dim, flag in zip(DIMENSIONS, flags, strict=True) if not flag]
            if not grouped:
                figures["total"] = stats
                continue
            dim = grouped[0]
            stats["id"] = ids[DIMENSIONS.index(dim)] or False
            figures[dim].append(stats)
        for dim in DIMENSIONS:
            self._dealer_name_rows(dim, figures[dim])
        return figures

    @api.model
    def _dealer_empty_stats(self):
        stats = dict.fromkeys(STATS)
        stats.update({key: 0 for key in ("leads", "answered", "missed", "leads_business_hours",
                                          "leads_after_hours", "messages", "messages_answered")})
        return stats

    @api.model
    def _dealer_stats_values(self, values):
        stats = dict(zip(STATS, values, strict=True))
        for key, value in stats.items():
            if isinstance(value, int):
                continue
            stats[key] = None if value is None else round(float(value), 1)
        return stats

    @api.model
    def _dealer_name_rows(self, dim, rows):
        """Name each row and sort: most leads first, then the fastest median."""
        comodel = self.env["dealer.response.report"]._fields[dim].comodel_name
        # sudo: names of the salespeople, teams and sources of rows the user may read
        records = self.env[comodel].sudo().browse([row["id"] for row in rows if row["id"]])
        names = {record.id: record.display_name for record in records}
        for row in rows:
            row["name"] = names.get(row["id"]) or {
                "user_id": self.env._("Unassigned"), "team_id": self.env._("No team"),
                "source_id": self.env._("No source")}[dim]
        rows.sort(key=lambda r: (-r["leads"], r["median"] is None, r["median"] or 0,
                                 r["name"]))
