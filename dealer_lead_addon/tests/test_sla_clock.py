from datetime import datetime

import pytz

from odoo.tests import RecordCapturer, tagged

from .common_sla import TUESDAY_10AM, DealerSlaCommon


@tagged("post_install", "-at_install")
class TestSlaClock(DealerSlaCommon):
    """Deadlines are counted in the team's business hours (Mon-Fri 8-12 and 13-17, Montreal
    time, holidays excluded) or around the clock, and stored on the clock and the lead."""

    def _deadline(self, at):
        lead = self._lead_with_clock(at)
        return lead.dealer_sla_clock_ids.deadline

    def test_a_policy_with_the_default_values_is_valid(self):
        policy = self.env["dealer.sla.policy"].create({
            "name": "Defaults", "team_id": self.env["crm.team"].create({"name": "Other"}).id})
        self.assertLess(policy.prewarn_minutes, policy.message_response_minutes)

    def test_lead_in_business_hours_is_due_ten_minutes_later(self):
        lead = self._lead_with_clock(TUESDAY_10AM)
        clock = lead.dealer_sla_clock_ids
        self.assertEqual(clock.kind, "first")
        self.assertEqual(clock.deadline, datetime(2026, 11, 24, 15, 10))
        self.assertEqual(clock.prewarn_at, datetime(2026, 11, 24, 15, 7))
        self.assertEqual(clock.next_action_at, clock.prewarn_at)
        self.assertTrue(clock.business_hours)
        self.assertEqual(lead.dealer_sla_deadline, clock.deadline)
        self.assertEqual(lead.dealer_sla_state, "on_time")

    def test_evening_lead_is_due_ten_minutes_after_next_opening(self):
        # Tuesday 18:30 in Montreal -> Wednesday 08:10 (13:10 UTC)
        lead = self._lead_with_clock(datetime(2026, 11, 24, 23, 30))
        self.assertEqual(lead.dealer_sla_deadline, datetime(2026, 11, 25, 13, 10))
        self.assertFalse(lead.dealer_sla_clock_ids.business_hours)

    def test_weekend_lead_is_due_monday_morning(self):
        # Saturday 10:00 in Montreal -> Monday 08:10
        self.assertEqual(self._deadline(datetime(2026, 11, 28, 15, 0)),
                         datetime(2026, 11, 30, 13, 10))

    def test_clock_stops_over_lunch(self):
        # Tuesday 11:55: 5 minutes before lunch, 5 minutes after -> 13:05 (18:05 UTC)
        self.assertEqual(self._deadline(datetime(2026, 11, 24, 16, 55)),
                         datetime(2026, 11, 24, 18, 5))

    def test_public_holiday_is_skipped(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Jour férié", "calendar_id": self.calendar.id,
            "date_from": datetime(2026, 11, 25, 5, 0), "date_to": datetime(2026, 11, 26, 4, 59),
        })
        # Tuesday evening -> Wednesday is off -> Thursday 08:10
        self.assertEqual(self._deadline(datetime(2026, 11, 24, 23, 30)),
                         datetime(2026, 11, 26, 13, 10))

    def test_deadline_follows_the_dst_change(self):
        # Friday 2026-10-30 18:00 EDT (UTC-4); clocks go back on Sunday 1 November, so Monday
        # 08:10 is EST (UTC-5): 13:10 UTC, not 12:10
        self.assertEqual(self._deadline(datetime(2026, 10, 30, 22, 0)),
                         datetime(2026, 11, 2, 13, 10))

    def test_deadline_uses_the_policy_calendar_time_zone(self):
        pacific = self.env["resource.calendar"].create({
            "name": "Pacific hours", "tz": "America/Los_Angeles"})
        self.policy.calendar_id = pacific
        # 13:30 UTC is 08:30 in Montreal (open) but before dawn on the Pacific coast: due at
        # 08:10 there
        opening = pytz.timezone("America/Los_Angeles").localize(datetime(2026, 11, 24, 8, 10))
        self.assertEqual(self._deadline(datetime(2026, 11, 24, 13, 30)),
                         opening.astimezone(pytz.utc).replace(tzinfo=None))

    def test_around_the_clock_policy_counts_wall_minutes(self):
        self.policy.hours_mode = "always"
        self.assertEqual(self._deadline(datetime(2026, 11, 28, 3, 0)),
                         datetime(2026, 11, 28, 3, 10))

    def test_source_policy_wins_over_team_policy(self):
        self.env["dealer.sla.policy"].create({
            "name": "AutoTrader", "team_id": self.team.id, "source_id": self.source.id,
            "first_response_minutes": 30, "prewarn_minutes": 0,
        })
        lead = self._lead_with_clock(TUESDAY_10AM, dealer_source_id=self.source.id)
        self.assertEqual(lead.dealer_sla_deadline, datetime(2026, 11, 24, 15, 30))
        self.assertEqual(lead.dealer_sla_clock_ids.next_action_at, lead.dealer_sla_deadline)

    def test_team_without_policy_has_no_clock(self):
        self.policy.active = False
        lead = self._lead_with_clock(TUESDAY_10AM)
        self.assertFalse(lead.dealer_sla_clock_ids)
        self.assertFalse(lead.dealer_sla_deadline)

    def test_new_lead_schedules_the_cron_at_its_deadline(self):
        self.policy.prewarn_minutes = 0
        with RecordCapturer(self.env["ir.cron.trigger"].sudo(),
                            [("cron_id", "=", self.sla_cron.id)]) as capture, \
                self._frozen(TUESDAY_10AM):
            lead = self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Web inquiry", "contact_name": "Chloé Client", "team_id": self.team.id,
                "email_from": "chloe@example.com"})
        self.assertTrue(lead.user_id, "intake routed the lead")
        self.assertEqual(lead.dealer_sla_deadline, datetime(2026, 11, 24, 15, 10))
        self.assertEqual(capture.records.mapped("call_at"), [lead.dealer_sla_deadline])

    def test_after_hours_acknowledgement_quotes_the_sla_deadline(self):
        lead = self._lead_with_clock(datetime(2026, 11, 24, 23, 30))
        self.assertEqual(lead._dealer_sla_reply_by(), datetime(2026, 11, 25, 13, 10))

    def test_cron_reschedules_itself_at_the_next_due_clock(self):
        self._lead_with_clock(TUESDAY_10AM)
        later = self._lead_with_clock(datetime(2026, 11, 24, 16, 0))
        with RecordCapturer(self.env["ir.cron.trigger"].sudo(),
                            [("cron_id", "=", self.sla_cron.id)]) as capture:
            self._run_cron_batch(datetime(2026, 11, 24, 15, 7))
        self.assertEqual(capture.records.mapped("call_at"),
                         [datetime(2026, 11, 24, 15, 10)])
        self.assertLess(capture.records.call_at, later.dealer_sla_clock_ids.next_action_at)
