from datetime import timedelta

from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_service import ADVISOR_MOBILE, DealerServiceCommon
from .common_texting import CUSTOMER

MANAGER_MOBILE = "+15145550101"


@tagged("post_install", "-at_install")
class TestServiceResponseTime(DealerServiceCommon):
    """A customer's text about a visit is answered within the team's minutes, or the advisor
    and the service manager hear about it."""

    def _customer_writes(self, body="Est-ce que l'auto sera prête ce midi?"):
        visit = self._booked()
        with self._frozen(OPEN_NOW):
            self._receive(body)
        return visit

    def _advisor_answers(self, visit, at):
        with self._frozen(at):
            self.env["dealer.outbound"]._send_sms(
                visit, "Oui, vers 11 h 30.", purpose="service", partner=self.sophie,
                number=CUSTOMER, author=self.advisor, automated=False)
            self._run_queues()

    def _run_deadlines(self, at):
        with self._frozen(at), self._no_commit_progress():
            self.env["dealer.service.visit"]._cron_dealer_service_response()

    def test_a_question_starts_the_clock(self):
        visit = self._customer_writes()
        self.assertEqual(visit.reply_waiting_since, OPEN_NOW)
        self.assertEqual(visit.reply_due_at, OPEN_NOW + timedelta(minutes=10))

    def test_the_advisors_text_stops_the_clock(self):
        visit = self._customer_writes()
        self._advisor_answers(visit, OPEN_NOW + timedelta(minutes=4))
        self.assertFalse(visit.reply_waiting_since)
        self.assertEqual(visit.response_minutes, 4.0)

    def test_an_automatic_answer_does_not_stop_the_clock(self):
        visit = self._customer_writes("R")
        with self._frozen(OPEN_NOW + timedelta(minutes=1)):
            self._run_queues()
        self.assertTrue(visit.reply_waiting_since)

    def test_a_confirmation_needs_no_answer(self):
        visit = self._customer_writes("C")
        self.assertFalse(visit.reply_waiting_since)

    def test_late_answer_alerts_advisor_and_manager_once(self):
        visit = self._customer_writes()
        self._run_deadlines(OPEN_NOW + timedelta(minutes=11))
        self._run_deadlines(OPEN_NOW + timedelta(minutes=20))
        self.assertTrue(visit.reply_late)
        for mobile in (ADVISOR_MOBILE, MANAGER_MOBILE):
            alerts = self._texts_to(mobile).filtered(lambda sms: "waiting for an answer"
                                                     in sms.body)
            self.assertEqual(len(alerts), 1, mobile)
        self.assertIn("Answer the customer", visit.activity_ids.mapped("summary"))

    def test_no_alert_before_the_deadline(self):
        visit = self._customer_writes()
        self._run_deadlines(OPEN_NOW + timedelta(minutes=9))
        self.assertFalse(visit.reply_late)

    def test_the_team_sets_the_deadline(self):
        self.service_team.response_minutes = 30
        visit = self._customer_writes()
        self.assertEqual(visit.reply_due_at, OPEN_NOW + timedelta(minutes=30))


@tagged("post_install", "-at_install")
class TestServiceShowRate(DealerServiceCommon):
    """Show rate by advisor and by the reminders the customer got."""

    def test_show_rate_by_advisor_and_reminder_timing(self):
        kept, missed, other = self._booked(), self._booked(), self._booked(self.john)
        self._run_reminders(self._before(24))
        self._run_reminders(self._before(2))
        other.user_id = self.sales_1
        kept.action_check_in()
        (missed | other).action_no_show()
        self._booked().action_cancel()  # a cancelled visit is no appointment
        Report = self.env["dealer.service.show.report"]
        self.env.flush_all()
        rows = {user: (count, pct) for user, count, pct in Report._read_group(
            [], ["user_id"], ["nbr:sum", "show_pct:avg"])}
        self.assertEqual(rows, {self.advisor: (2, 50.0), self.sales_1: (1, 0.0)})
        timings = dict(Report._read_group([], ["reminder_timing"], ["nbr:sum"]))
        self.assertEqual(timings, {"24h+2h": 3})
