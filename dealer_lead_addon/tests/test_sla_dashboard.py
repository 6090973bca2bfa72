from datetime import datetime, timedelta

from odoo.tests import tagged

from .common_sla import DealerSlaCommon

MONDAY = datetime(2026, 11, 23, 15, 0)  # 10:00 in Montreal
EVENING = datetime(2026, 11, 23, 23, 0)  # 18:00 in Montreal


@tagged("post_install", "-at_install")
class TestSlaDashboard(DealerSlaCommon):
    """Dashboard figures on a known set of leads (45-minute target around the clock):

    ============  =========  ==========  ===========  ==============
    lead          received   salesperson  answered    business hours
    ============  =========  ==========  ===========  ==============
    A             Mon 10:00  Marc         after 5 min  yes
    B             Mon 10:00  Marc         after 30     yes
    C             Mon 18:00  Julie        after 90     no (missed)
    D             Mon 18:00  Julie        never        no (missed)
    ============  =========  ==========  ===========  ==============
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"hours_mode": "always", "first_response_minutes": 45,
                          "prewarn_minutes": 0})

    def setUp(self):
        super().setUp()
        self.Report = self.env["dealer.response.report"]
        answers = [(MONDAY, self.sales_1, 5), (MONDAY, self.sales_1, 30),
                   (EVENING, self.sales_2, 90), (EVENING, self.sales_2, None)]
        self.leads = self.env["crm.lead"]
        for received, user, minutes in answers:
            lead = self._lead_with_clock(received, user=user, dealer_source_id=self.source.id)
            if minutes is not None:
                lead._dealer_human_responded(
                    "sms", user, when=received + timedelta(minutes=minutes))
            self.leads |= lead
        self._run_cron_batch(EVENING + timedelta(minutes=45))  # D misses its deadline
        self.domain = [("lead_id", "in", self.leads.ids)]

    def test_median_and_90th_percentile_of_first_responses(self):
        stats = self.Report._dealer_stats(self.domain)
        self.assertEqual((stats["count"], stats["answered"], stats["missed"]), (4, 3, 2))
        self.assertEqual(stats["median"], 30)
        self.assertEqual(stats["p90"], 78)  # 30 + 0.8 * (90 - 30)
        self.assertEqual(stats["within_10_pct"], 25)
        self.assertEqual(stats["within_60_pct"], 50)
        self.assertEqual(stats["median_business_hours"], 17.5)
        self.assertEqual(stats["median_after_hours"], 90)

    def test_figures_by_salesperson(self):
        groups = self.Report._read_group(
            self.domain, ["user_id"],
            ["nbr:sum", "missed_count:sum", "response_minutes:avg", "within_10_pct:avg"])
        by_user = {user: rest for user, *rest in groups}
        self.assertEqual(by_user[self.sales_1], [2, 0, 17.5, 50])
        self.assertEqual(by_user[self.sales_2], [2, 2, 90, 0])

    def test_figures_by_source_and_day(self):
        groups = self.Report._read_group(
            self.domain, ["source_id", "started_at:day"], ["nbr:sum", "missed_count:sum"])
        self.assertEqual(groups, [(self.source, datetime(2026, 11, 23), 4, 2)])

    def test_waiting_lead_counts_in_no_share_until_known(self):
        lead = self._lead_with_clock(MONDAY, user=self.sales_1)
        row = self.Report.search([("lead_id", "=", lead.id)])
        self.assertEqual((row.state, row.nbr, row.missed_count), ("running", 1, 0))
        stats = self.Report._dealer_stats([("lead_id", "in", (self.leads | lead).ids)])
        self.assertEqual((stats["count"], stats["within_10_pct"]), (5, 25))
