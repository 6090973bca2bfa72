from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.dealer_lead_addon.models.dealer_response_clock import DealerResponseClock

from .common_sla import TUESDAY_10AM, DealerSlaCommon

PREWARN = datetime(2026, 11, 24, 15, 7)
DEADLINE = datetime(2026, 11, 24, 15, 10)
MANAGER_STEP = datetime(2026, 11, 24, 15, 20)
REASSIGN_STEP = datetime(2026, 11, 24, 15, 30)


@tagged("post_install", "-at_install")
class TestSlaEscalation(DealerSlaCommon):
    """A lead nobody answers climbs the ladder: pre-warning, salesperson, manager, then
    reassignment every 10 business minutes; each step fires exactly once."""

    def setUp(self):
        super().setUp()
        self.lead = self._lead_with_clock(TUESDAY_10AM, user=self.sales_1,
                                          email_from="chloe@example.com")
        self.clock = self.lead.dealer_sla_clock_ids

    def test_prewarning_notifies_the_salesperson_before_the_deadline(self):
        self._run_cron_batch(PREWARN)
        self.assertEqual(self.clock.last_step, "prewarn")
        self.assertEqual(self.lead.dealer_sla_state, "warning")
        self.assertFalse(self.clock.missed)
        self.assertEqual(len(self._staff_sms_to("+15145550101")), 1)
        self.assertEqual((self.clock.next_step, self.clock.next_action_at),
                         ("salesperson", DEADLINE))

    def test_late_cron_skips_the_pointless_prewarning(self):
        self._run_cron_batch(DEADLINE)  # the cron was down at 15:07
        self._run_cron_batch(DEADLINE)
        self.assertEqual(self.clock.step_count, 2)
        self.assertEqual(len(self._staff_sms_to("+15145550101")), 1, "overdue alert only")
        self.assertEqual(self.lead.dealer_sla_state, "overdue")

    def test_nothing_fires_before_the_next_step_is_due(self):
        self._run_cron_batch(datetime(2026, 11, 24, 15, 6))
        self.assertEqual(self.clock.step_count, 0)
        self.assertFalse(self._staff_sms_to("+15145550101"))

    def test_missed_deadline_alerts_the_salesperson_once_even_if_the_cron_runs_twice(self):
        self._run_cron_batch(PREWARN)
        self._run_cron_batch(DEADLINE)
        self._run_cron_batch(DEADLINE)
        self.assertEqual(self.clock.step_count, 2)
        self.assertTrue(self.clock.missed)
        self.assertEqual(self.lead.dealer_sla_state, "overdue")
        self.assertEqual(len(self._todo_for(self.lead, self.sales_1)), 1)
        self.assertEqual(len(self._staff_sms_to("+15145550101")), 2, "pre-warning + overdue")
        self.assertEqual((self.clock.next_step, self.clock.next_action_at),
                         ("manager", MANAGER_STEP))

    def test_manager_is_alerted_one_interval_after_the_deadline(self):
        for at in (PREWARN, DEADLINE, MANAGER_STEP, MANAGER_STEP):
            self._run_cron_batch(at)
        self.assertEqual(len(self._todo_for(self.lead, self.manager)), 1)
        self.assertEqual(len(self._staff_sms_to("+15145550199")), 1)
        self.assertEqual(self.clock.next_step, "reassign")

    def test_unanswered_lead_goes_to_the_next_member_and_again_until_answered(self):
        for at in (PREWARN, DEADLINE, MANAGER_STEP, REASSIGN_STEP):
            self._run_cron_batch(at)
        self.assertEqual(self.lead.user_id, self.sales_2)
        self.assertEqual(self.clock.reassign_count, 1)
        self.assertEqual(len(self._todo_for(self.lead, self.sales_2)), 1)
        self.assertTrue(any("reassigned from Marc Gagnon to Julie Roy" in body
                            for body in self.lead.message_ids.mapped("body")))
        self.assertEqual(self.clock.next_action_at, datetime(2026, 11, 24, 15, 40))
        self._run_cron_batch(datetime(2026, 11, 24, 15, 40))
        self.assertEqual(self.lead.user_id, self.sales_1, "still unanswered: next member")
        self.assertEqual(self.clock.reassign_count, 2)
        customer = self.env["res.partner"].create({"name": "Chloé", "email": "chloe@example.com"})
        with self._frozen(datetime(2026, 11, 24, 15, 45)), self.mock_mail_gateway():
            self.lead.with_user(self.sales_1).message_post(
                body="Bonjour Chloé, le véhicule est disponible.", message_type="comment",
                subtype_xmlid="mail.mt_comment", partner_ids=customer.ids)
            self._run_queues()
        self._run_cron_batch(datetime(2026, 11, 24, 15, 50))
        self.assertEqual(self.clock.reassign_count, 2, "answered: the ladder stops")
        self.assertFalse(self.clock.next_action_at)

    def test_ladder_steps_wait_for_business_hours(self):
        lead = self._lead_with_clock(datetime(2026, 11, 24, 21, 55), user=self.sales_1)
        clock = lead.dealer_sla_clock_ids
        # 16:55 Montreal: 5 minutes left today, 5 tomorrow morning -> Wednesday 08:05
        self.assertEqual(clock.deadline, datetime(2026, 11, 25, 13, 5))
        self._run_cron_batch(datetime(2026, 11, 25, 13, 5))  # pre-warning, overdue
        self._run_cron_batch(datetime(2026, 11, 25, 13, 5))
        self.assertEqual(clock.next_action_at, datetime(2026, 11, 25, 13, 15))

    def test_answered_lead_has_no_more_steps(self):
        with self._frozen(datetime(2026, 11, 24, 15, 4)):
            self.lead._dealer_human_responded("call", self.sales_1)
        self._run_cron_batch(MANAGER_STEP)
        self.assertEqual(self.clock.state, "answered")
        self.assertEqual(self.clock.step_count, 0)
        self.assertFalse(self._staff_sms_to("+15145550101"))

    def test_lost_lead_stops_its_clock_without_alert(self):
        self.lead.action_set_lost()
        self._run_cron_batch(DEADLINE)
        self.assertEqual(self.clock.state, "closed")
        self.assertFalse(self.clock.next_action_at)
        self.assertFalse(self._staff_sms_to("+15145550101"))

    def test_cron_crash_mid_batch_fires_no_step_twice(self):
        other = self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        self._run_cron_batch(PREWARN)
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            # the process dies after the first clock's step: the transaction rolls back
            self._run_cron_batch(DEADLINE)
            raise RuntimeError("worker killed")
        self.env.invalidate_all()
        self.assertEqual(self.clock.next_step, "salesperson", "rolled back with the batch")
        self._run_cron_batch(DEADLINE)
        self._run_cron_batch(DEADLINE)
        for lead, user in ((self.lead, self.sales_1), (other, self.sales_2)):
            self.assertEqual(len(self._todo_for(lead, user)), 1)
            self.assertEqual(lead.dealer_sla_clock_ids.step_count, 2)

    @mute_logger("odoo.addons.dealer_lead_addon.models.dealer_response_clock")
    def test_failing_step_is_retried_later_and_others_proceed(self):
        other = self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        original = DealerResponseClock._dealer_step_prewarn

        def prewarn(clock, now):
            if clock.lead_id == other:
                raise ValueError("provider down")
            return original(clock, now)

        with patch.object(DealerResponseClock, "_dealer_step_prewarn", prewarn):
            self._run_cron_batch(PREWARN)
        other_clock = other.dealer_sla_clock_ids
        self.assertEqual(self.clock.step_count, 1)
        self.assertEqual(other_clock.step_count, 0)
        self.assertEqual(other_clock.next_action_at, datetime(2026, 11, 24, 15, 12))

    def test_batches_report_what_remains_due(self):
        self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        with self._frozen(PREWARN):
            processed, remaining = self.Clock._dealer_process_due_batch(batch_size=2)
        self.assertEqual((processed, remaining), (2, 1))


@tagged("post_install", "-at_install")
class TestSlaPolicyEdit(DealerSlaCommon):
    """A manager who changes the response times and confirms the re-plan changes the running
    clocks too (the confirmation itself: ``TestSlaPolicyReplanConfirmation``)."""

    def setUp(self):
        super().setUp()
        self.lead = self._lead_with_clock(TUESDAY_10AM, user=self.sales_1)
        self.clock = self.lead.dealer_sla_clock_ids

    def test_shorter_response_time_moves_the_running_deadline(self):
        self.policy.with_context(dealer_sla_replan=True).write(
            {"first_response_minutes": 5, "prewarn_minutes": 2})
        self.assertEqual((self.clock.deadline, self.clock.prewarn_at),
                         (datetime(2026, 11, 24, 15, 5), datetime(2026, 11, 24, 15, 3)))
        self.assertEqual(self.lead.dealer_sla_deadline, datetime(2026, 11, 24, 15, 5))
        self.assertEqual(self.clock.next_action_at, datetime(2026, 11, 24, 15, 3))

    def test_edited_deadline_fires_at_the_new_time(self):
        self.policy.with_context(dealer_sla_replan=True).write({"first_response_minutes": 20})
        self._run_cron_batch(DEADLINE)
        self.assertFalse(self.clock.missed, "the old 10-minute deadline no longer applies")
        self._run_cron_batch(datetime(2026, 11, 24, 15, 20))  # the late pre-warning is skipped
        self._run_cron_batch(datetime(2026, 11, 24, 15, 20))
        self.assertTrue(self.clock.missed)

    def test_prewarning_already_sent_is_not_sent_again_after_an_edit(self):
        self._run_cron_batch(PREWARN)
        self.policy.with_context(dealer_sla_replan=True).write({"first_response_minutes": 15})
        self.assertEqual((self.clock.next_step, self.clock.next_action_at),
                         ("salesperson", datetime(2026, 11, 24, 15, 15)))
        self._run_cron_batch(datetime(2026, 11, 24, 15, 15))
        self.assertEqual(len(self._staff_sms_to("+15145550101")), 2, "pre-warning + overdue")

    def test_missed_clock_keeps_escalating_as_planned_after_an_edit(self):
        self._run_cron_batch(PREWARN)
        self._run_cron_batch(DEADLINE)
        self.policy.with_context(dealer_sla_replan=True).write({"first_response_minutes": 30})
        self.assertTrue(self.clock.missed)
        self.assertEqual(self.clock.deadline, DEADLINE)

    def test_renaming_a_policy_replans_nothing(self):
        with patch.object(DealerResponseClock, "_dealer_replan") as replan:
            self.policy.name = "Ventes web"
        replan.assert_not_called()
