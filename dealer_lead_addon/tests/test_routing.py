from datetime import datetime

from odoo.tests import tagged

from .common_intake import AFTER_HOURS_NOW, OPEN_NOW, DealerIntakeCommon


@tagged("post_install", "-at_install")
class TestRouting(DealerIntakeCommon):
    """Rules, weighted round robin among members on shift, after-hours fallback."""

    def _new_lead(self, **values):
        return self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
            "name": "Walk-in", "contact_name": "Client", "team_id": self.team.id,
            "user_id": False, **values})

    def test_round_robin_alternates_between_members_on_shift(self):
        with self._frozen(OPEN_NOW):
            users = [self.team._dealer_next_available_member() for _i in range(4)]
        self.assertEqual(users[0], users[2])
        self.assertEqual(users[1], users[3])
        self.assertNotEqual(users[0], users[1])
        self.assertEqual(set(users), {self.sales_1, self.sales_2})

    def test_weights_give_proportional_shares(self):
        member_1 = self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.sales_1)
        member_1.dealer_weight = 2
        with self._frozen(OPEN_NOW):
            users = [self.team._dealer_next_available_member() for _i in range(9)]
        self.assertEqual(users.count(self.sales_1), 6)
        self.assertEqual(users.count(self.sales_2), 3)

    def test_member_out_of_rotation_gets_nothing(self):
        self.team.crm_team_member_ids.filtered(
            lambda m: m.user_id == self.sales_2).dealer_in_rotation = False
        with self._frozen(OPEN_NOW):
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_1})

    def test_member_taken_out_after_routing_gets_nothing_at_once(self):
        with self._frozen(OPEN_NOW):
            self.team._dealer_next_available_member()  # the rotation is known (cached)
            self.team.crm_team_member_ids.filtered(
                lambda m: m.user_id == self.sales_2).dealer_in_rotation = False
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_1})

    def test_salesperson_archived_after_routing_gets_nothing_at_once(self):
        with self._frozen(OPEN_NOW):
            self.team._dealer_next_available_member()
            self.sales_2.active = False
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_1})

    def test_member_added_after_routing_gets_leads_at_once(self):
        with self._frozen(OPEN_NOW):
            self.team.crm_team_member_ids.filtered(
                lambda m: m.user_id == self.sales_2).unlink()
            self.assertEqual(self.team._dealer_next_available_member(), self.sales_1)
            self.env["crm.team.member"].create(
                {"crm_team_id": self.team.id, "user_id": self.sales_2.id})
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_1, self.sales_2})

    def test_exclude_users_for_reassignment(self):
        with self._frozen(OPEN_NOW):
            user = self.team._dealer_next_available_member(exclude_users=self.sales_1)
        self.assertEqual(user, self.sales_2)

    def test_shift_boundary_last_minute_in_first_minute_out(self):
        # the calendar closes at 17:00 Toronto time = 22:00 UTC in November
        self.assertTrue(self.team._dealer_next_available_member(at=datetime(2026, 11, 24, 21, 59)))
        self.assertFalse(self.team._dealer_next_available_member(at=datetime(2026, 11, 24, 22, 0)))
        self.assertFalse(self.team._dealer_next_available_member(at=datetime(2026, 11, 24, 12, 59)))
        self.assertTrue(self.team._dealer_next_available_member(at=datetime(2026, 11, 24, 13, 0)))

    def test_member_on_leave_is_skipped(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Vacances", "calendar_id": self.calendar.id,
            "resource_id": self.sales_1.resource_ids.id,
            "date_from": datetime(2026, 11, 24, 0, 0), "date_to": datetime(2026, 11, 25, 0, 0),
        })
        with self._frozen(OPEN_NOW):
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_2})

    def test_leave_taken_after_routing_takes_the_member_out(self):
        with self._frozen(OPEN_NOW):
            self.assertIn(self.sales_1, {self.team._dealer_next_available_member()
                                         for _i in range(2)})
            self.env["resource.calendar.leaves"].create({
                "name": "Malade", "calendar_id": self.calendar.id,
                "resource_id": self.sales_1.resource_ids.id,
                "date_from": datetime(2026, 11, 24, 0, 0), "date_to": datetime(2026, 11, 25, 0, 0),
            })
            users = {self.team._dealer_next_available_member() for _i in range(3)}
        self.assertEqual(users, {self.sales_2}, "the answer of the same moment was not reused")

    def test_hours_changed_after_routing_apply_at_once(self):
        at = datetime(2026, 11, 24, 21, 30)  # 16:30 Toronto, open until 17:00
        self.assertTrue(self.team._dealer_next_available_member(at=at))
        self.calendar.attendance_ids.filtered(
            lambda attendance: attendance.hour_to == 17).hour_to = 16
        self.assertFalse(self.team._dealer_next_available_member(at=at))

    def test_member_moved_to_another_calendar_follows_it_at_once(self):
        self.assertFalse(self.team._dealer_next_available_member(at=AFTER_HOURS_NOW))
        evening = self.env["resource.calendar"].create({
            "name": "Evening", "tz": "America/Toronto", "attendance_ids": [(5, 0, 0), (0, 0, {
                "name": "Tue evening", "dayofweek": "1", "hour_from": 17, "hour_to": 21,
                "day_period": "afternoon"})],
        })
        self.sales_2.resource_ids.calendar_id = evening
        self.assertEqual(self.team._dealer_next_available_member(at=AFTER_HOURS_NOW), self.sales_2)

    def test_member_with_own_evening_shift(self):
        evening = self.env["resource.calendar"].create({
            "name": "Evening", "tz": "America/Toronto", "attendance_ids": [(5, 0, 0), (0, 0, {
                "name": "Tue evening", "dayofweek": "1", "hour_from": 17, "hour_to": 21,
                "day_period": "afternoon"})],
        })
        self.sales_2.resource_ids.calendar_id = evening
        # 18:30 Toronto: the team is closed but Julie works
        user = self.team._dealer_next_available_member(at=AFTER_HOURS_NOW)
        self.assertEqual(user, self.sales_2)

    def test_nobody_available_goes_to_after_hours_owner(self):
        with self._frozen(AFTER_HOURS_NOW):
            lead = self._new_lead()
        self.assertEqual(lead.user_id, self.night_owner)
        self.assertTrue(lead.message_ids.filtered(lambda m: "after-hours owner" in str(m.body)))

    def test_team_leader_is_fallback_without_after_hours_owner(self):
        self.team.dealer_after_hours_user_id = False
        with self._frozen(AFTER_HOURS_NOW):
            lead = self._new_lead()
        self.assertEqual(lead.user_id, self.sales_1)

    def test_rule_by_make_sends_to_its_team(self):
        other_team = self.env["crm.team"].create({
            "name": "Occasions", "dealer_resource_calendar_id": self.calendar.id,
            "crm_team_member_ids": [(0, 0, {"user_id": self.night_owner.id})]})
        self.env["dealer.routing.rule"].create({
            "name": "Ford", "make": "ford, lincoln", "team_id": other_team.id})
        with self._frozen(OPEN_NOW):
            lead = self._new_lead(dealer_vehicle_ids=[(0, 0, {"make": "Ford", "model": "F-150"})])
            other = self._new_lead(dealer_vehicle_ids=[(0, 0, {"make": "Honda"})])
        self.assertEqual(lead.team_id, other_team)
        self.assertEqual(lead.user_id, self.night_owner)
        self.assertEqual(other.team_id, self.team)

    def test_rule_by_source_and_used_names_the_salesperson(self):
        self.env["dealer.routing.rule"].create({
            "name": "Used from AutoTrader", "source_ids": [(4, self.source.id)],
            "vehicle_condition": "used", "team_id": self.team.id, "user_id": self.sales_2.id})
        with self._frozen(OPEN_NOW):
            leads = [self._new_lead(dealer_source_id=self.source.id, dealer_vehicle_ids=[
                (0, 0, {"make": "Kia", "condition": "used"})]) for _i in range(2)]
            new_car = self._new_lead(dealer_source_id=self.source.id, dealer_vehicle_ids=[
                (0, 0, {"make": "Kia", "condition": "new"})])
        self.assertEqual({lead.user_id for lead in leads}, {self.sales_2})
        self.assertIn(new_car.user_id, self.sales_1 | self.sales_2)

    def test_routing_happens_at_creation_not_by_cron(self):
        with self._frozen(OPEN_NOW):
            lead = self._new_lead()
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2)
        member = self.team.crm_team_member_ids.filtered(lambda m: m.user_id == lead.user_id)
        self.assertEqual(member.dealer_assigned_count, 1)

    def test_salesperson_keeps_the_lead_they_create(self):
        with self._frozen(OPEN_NOW):
            lead = self._new_lead(user_id=self.night_owner.id)
        self.assertEqual(lead.user_id, self.night_owner)
        self.assertEqual(lead.dealer_intake_ids.channel, "manual")
        self.assertEqual(lead.dealer_ack_state, "pending")

    def test_website_form_lead_is_routed_like_every_channel(self):
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Website form", "contact_name": "Web", "email_from": "web@example.com",
            "team_id": self.team.id, "user_id": self.env.ref("base.user_root").id})
        with self._frozen(OPEN_NOW):
            self.env["dealer.lead.intake"]._dealer_intake_created_leads(lead, "web")
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2)
        self.assertEqual(lead.dealer_intake_ids.channel, "web")
