from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_sla import DealerSlaCommon


def local(day, hour, minute=0):
    """Montreal local time in November 2026 (EST, UTC-5) as naive UTC."""
    return datetime(2026, 11, day, hour, minute) + timedelta(hours=5)


NOW = local(24, 12)  # Tuesday 24 November 2026, noon in Montreal


@tagged("post_install", "-at_install")
class TestLeaderboard(DealerSlaCommon):
    """Leaderboard figures on hand-computed leads (45-minute target around the clock, the team
    open Mon-Fri 8-12 and 13-17), seen on Tuesday 24 November 2026 at noon:

    ====  =============  ========  ========================  ==============
    lead  received       who       first human answer        hours
    ====  =============  ========  ========================  ==============
    A     Tue 10:00      Marc      4 min; a later text 6     business
    B     Tue 10:00      Marc      8 min                     business
    C     Tue 10:00      Julie     50 min (missed)           business
    D     Tue 07:00      Julie     never (missed)            after hours
    G     Tue 11:50      Marc      not yet (deadline 12:35)  business
    E     Mon 10:00      Marc      20 min                    business
    F     Sun 10:00      Julie     2 min                     after hours
    ====  =============  ========  ========================  ==============
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"hours_mode": "always", "first_response_minutes": 45,
                          "prewarn_minutes": 0, "message_response_minutes": 10})
        cls.manager.group_ids |= cls.env.ref("dealer_lead_addon.group_dealer_lead_manager")

    def setUp(self):
        super().setUp()
        plan = [("A", local(24, 10), self.sales_1, 4), ("B", local(24, 10), self.sales_1, 8),
                ("C", local(24, 10), self.sales_2, 50), ("D", local(24, 7), self.sales_2, None),
                ("G", local(24, 11, 50), self.sales_1, None),
                ("E", local(23, 10), self.sales_1, 20), ("F", local(22, 10), self.sales_2, 2)]
        self.leads = {}
        for name, received, user, minutes in plan:
            lead = self._lead_with_clock(received, user=user, dealer_source_id=self.source.id)
            if minutes is not None:
                lead._dealer_human_responded(
                    "sms", user, when=received + timedelta(minutes=minutes))
            self.leads[name] = lead
        with self._frozen(local(24, 11)):  # the customer of A writes again
            self.leads["A"]._dealer_sla_on_customer_message("sms", None)
        self.leads["A"]._dealer_human_responded("sms", self.sales_1, when=local(24, 11, 6))
        self._run_cron_batch(NOW)  # D misses its deadline
        self.Board = self.env["dealer.leaderboard"].with_context(tz="America/Montreal")

    def _figures(self):
        with self._frozen(NOW):
            return self.Board.dealer_leaderboard_data()["periods"]

    def _row(self, rows, record):
        return next(row for row in rows if row["id"] == record.id)

    def test_today_median_90th_percentile_and_shares(self):
        total = self._figures()["today"]["total"]
        self.assertEqual((total["leads"], total["answered"], total["missed"]), (5, 3, 2))
        self.assertEqual(total["median"], 8)
        self.assertEqual(total["p90"], 41.6)  # 8 + 0.8 * (50 - 8)
        # G has no outcome yet: the shares are out of A, B, C and D
        self.assertEqual(
            (total["within_5_pct"], total["within_10_pct"], total["within_60_pct"]),
            (25, 50, 75))

    def test_a_lead_waiting_past_its_deadline_is_missed_at_once(self):
        with self._frozen(local(24, 12, 40)):  # G's deadline (12:35) passed, no cron yet
            total = self.Board.dealer_leaderboard_data()["periods"]["today"]["total"]
        self.assertEqual((total["leads"], total["answered"], total["missed"]), (5, 3, 3))
        self.assertEqual(total["within_5_pct"], 20)  # A out of A, B, C, D and G

    def test_business_hours_and_after_hours_apart(self):
        total = self._figures()["today"]["total"]
        self.assertEqual((total["leads_business_hours"], total["leads_after_hours"]), (4, 1))
        self.assertEqual(total["median_business_hours"], 8)
        self.assertIsNone(total["median_after_hours"], "D is unanswered: a blank, not 0")

    def test_later_customer_messages_counted_apart(self):
        total = self._figures()["today"]["total"]
        self.assertEqual((total["messages"], total["messages_answered"]), (1, 1))
        self.assertEqual(total["message_median"], 6)

    def test_per_salesperson_blanks_where_nothing_is_answered(self):
        today = self._figures()["today"]
        marc = self._row(today["user_id"], self.sales_1)
        julie = self._row(today["user_id"], self.sales_2)
        self.assertEqual((marc["leads"], marc["answered"], marc["missed"]), (3, 2, 0))
        self.assertEqual((marc["median"], marc["p90"], marc["within_5_pct"]), (6, 7.6, 50))
        self.assertEqual(marc["name"], "Marc Gagnon")
        self.assertEqual((julie["leads"], julie["answered"], julie["missed"]), (2, 1, 2))
        self.assertEqual((julie["median"], julie["within_60_pct"]), (50, 50))
        self.assertIsNone(julie["median_after_hours"])
        self.assertIsNone(julie["message_median"], "Julie had no later message to answer")

    def test_per_team_and_source(self):
        today = self._figures()["today"]
        self.assertEqual([row["id"] for row in today["team_id"]], [self.team.id])
        self.assertEqual(self._row(today["team_id"], self.team)["leads"], 5)
        self.assertEqual(self._row(today["source_id"], self.source)["median"], 8)

    def test_week_starts_on_monday_and_month_on_the_first(self):
        figures = self._figures()
        week, month = figures["week"]["total"], figures["month"]["total"]
        self.assertEqual((week["leads"], week["answered"], week["median"]), (6, 4, 14))
        self.assertEqual((month["leads"], month["answered"], month["median"]), (7, 5, 8))
        self.assertEqual(month["median_after_hours"], 2)  # F, on a Sunday

    def test_a_period_without_leads_is_blank_not_zero(self):
        with self._frozen(local(24, 12) + timedelta(days=40)):
            total = self.Board.dealer_leaderboard_data()["periods"]["today"]["total"]
        self.assertEqual((total["leads"], total["answered"]), (0, 0))
        self.assertIsNone(total["median"])
        self.assertIsNone(total["within_10_pct"])

    def test_the_leaderboard_is_for_managers(self):
        with self._frozen(NOW), self.assertRaises(AccessError):
            self.Board.with_user(self.sales_1).dealer_leaderboard_data()
        with self._frozen(NOW):
            figures = self.Board.with_user(self.manager).dealer_leaderboard_data()
        self.assertEqual(figures["periods"]["today"]["total"]["leads"], 5)
