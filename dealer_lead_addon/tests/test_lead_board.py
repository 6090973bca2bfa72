import json
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_sla import TUESDAY_10AM, DealerSlaCommon


@tagged("post_install", "-at_install")
class TestLeadBoard(DealerSlaCommon):
    """The live board's data, the claim of an up-for-grabs team (first claim wins) and the
    bus notifications that make the boards re-read their leads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.dealer_up_for_grabs = True

    def setUp(self):
        super().setUp()
        self.lead = self._lead_with_clock(TUESDAY_10AM, user_id=False,
                                          phone="+15145550142", dealer_source_id=self.source.id)
        self._flush_bus()

    def _flush_bus(self):
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()

    def _board_notifications(self):
        """``{partner_id: [payload...]}`` of the ``dealer_lead/board`` notifications sent."""
        self.env.cr.precommit.run()
        sent = {}
        for bus in self.env["bus.bus"].sudo().search([]):
            message = json.loads(bus.message)
            if message["type"] == "dealer_lead/board":
                partner_id = json.loads(bus.channel)[2]
                sent.setdefault(partner_id, []).append(message["payload"])
        return sent

    def _board(self, user, at=TUESDAY_10AM + timedelta(minutes=3)):
        with self._frozen(at):
            return self.env["crm.lead"].with_user(user).dealer_board_data()

    def test_up_for_grabs_lead_is_on_every_member_board(self):
        for user in (self.sales_1, self.sales_2):
            leads = self._board(user)["leads"]
            self.assertEqual([lead["id"] for lead in leads], [self.lead.id])
            self.assertTrue(leads[0]["claimable"])

    def test_board_shows_countdown_source_phone_and_holder(self):
        data = self._board(self.sales_1)
        lead = data["leads"][0]
        self.assertEqual(data["now"], "2026-11-24 15:03:00")
        self.assertEqual(lead["received"], "2026-11-24 15:00:00")
        self.assertEqual(lead["deadline"], self.lead.dealer_sla_deadline.strftime(
            "%Y-%m-%d %H:%M:%S"))
        self.assertEqual((lead["source"], lead["phone"], lead["phone_national"]),
                         ("AutoTrader.ca", "+15145550142", "514 555-0142"))
        self.assertEqual((lead["holder"], lead["customer"]), ("", "Chloé Client"))

    def test_first_claim_wins_and_the_loser_is_told(self):
        action = self.lead.with_user(self.sales_1).action_dealer_claim()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual((self.lead.user_id, self.lead.dealer_claimed_by_id),
                         (self.sales_1, self.sales_1))
        action = self.lead.with_user(self.sales_2).action_dealer_claim()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Marc Gagnon", action["params"]["message"])
        self.assertEqual(self.lead.user_id, self.sales_1, "the second claim changes nothing")

    def test_claim_again_by_the_winner_is_harmless(self):
        self.assertTrue(self.lead._dealer_claim(self.sales_1))
        self.assertTrue(self.lead._dealer_claim(self.sales_1))
        self.assertFalse(self.lead._dealer_claim(self.sales_2))

    def test_a_lead_someone_holds_is_not_up_for_grabs(self):
        self.lead.user_id = self.sales_2  # given by the manager
        self.assertFalse(self.lead.dealer_claimable)
        self.assertFalse(self.lead._dealer_claim(self.sales_1))
        self.assertEqual(self.lead.user_id, self.sales_2)
        self.assertEqual(self._board(self.sales_1)["leads"], [])

    def test_claimed_lead_leaves_the_other_boards(self):
        self.lead.with_user(self.sales_1).action_dealer_claim()
        self.assertEqual([lead["id"] for lead in self._board(self.sales_2)["leads"]], [])
        mine = self._board(self.sales_1)["leads"]
        self.assertEqual([(lead["id"], lead["mine"], lead["claimable"]) for lead in mine],
                         [(self.lead.id, True, False)])

    def test_claim_tells_every_board_of_the_team(self):
        self.lead.with_user(self.sales_1).action_dealer_claim()
        sent = self._board_notifications()
        for user in (self.sales_1, self.sales_2, self.manager):
            self.assertIn({"lead_id": self.lead.id, "op": "upsert"},
                          sent.get(user.partner_id.id, []), user.name)

    def test_new_lead_with_a_clock_tells_the_boards(self):
        lead = self._lead_with_clock(TUESDAY_10AM, user_id=False)
        sent = self._board_notifications()
        self.assertIn({"lead_id": lead.id, "op": "upsert"}, sent.get(self.sales_2.partner_id.id))

    def test_a_deadline_about_to_be_missed_tells_the_boards(self):
        self._run_cron_batch(TUESDAY_10AM + timedelta(minutes=8))  # the pre-warning
        self.assertEqual(self.lead.dealer_sla_state, "warning")
        sent = self._board_notifications()
        self.assertIn({"lead_id": self.lead.id, "op": "upsert"},
                      sent.get(self.sales_2.partner_id.id, []))

    def test_a_sync_that_changes_nothing_sends_nothing(self):
        self.lead.dealer_sla_clock_ids._dealer_sync_leads()
        self.assertEqual(self._board_notifications(), {})

    def test_answered_lead_leaves_the_board(self):
        self.lead._dealer_claim(self.sales_1)
        self.lead._dealer_human_responded("sms", self.sales_1, when=TUESDAY_10AM)
        self.assertEqual(self._board(self.sales_1)["leads"], [])

    def test_a_lead_nobody_holds_is_offered_to_the_members_on_shift(self):
        with self._frozen(TUESDAY_10AM + timedelta(minutes=1)):
            offered = self.lead._dealer_claimers_on_shift()
        self.assertLessEqual(self.sales_1 | self.sales_2, offered)

    def test_each_member_offered_the_lead_is_alerted_and_can_answer_1(self):
        with self._frozen(TUESDAY_10AM + timedelta(minutes=1)):
            self.lead._dealer_alert_salesperson()
        alerted = self.env["dealer.lead.relay"]._dealer_alerted_users(self.lead)
        self.assertLessEqual(self.sales_1 | self.sales_2, alerted)

    def test_a_claimed_lead_is_offered_to_nobody_else(self):
        self.lead._dealer_claim(self.sales_1)
        self.assertFalse(self.lead._dealer_claimers_on_shift())

    def test_only_team_members_can_claim(self):
        outsider = self._dealer_salesperson("autre", "Alex Autre", "+15145550177",
                                            rotation=False)
        self.team.member_ids -= outsider
        with self.assertRaises(UserError):
            self.lead._dealer_claim(outsider)

    def test_a_lead_nobody_holds_in_a_rotation_team_can_be_claimed_by_a_member(self):
        self.team.dealer_up_for_grabs = False
        self.assertTrue(self.lead._dealer_claim(self.sales_1))
        self.assertEqual(self.lead.user_id, self.sales_1)

    def test_a_closed_lead_cannot_be_claimed(self):
        self.lead.action_set_lost()
        with self.assertRaises(UserError):
            self.lead._dealer_claim(self.sales_1)

    def test_up_for_grabs_team_routes_to_nobody(self):
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create(
            {"name": "Web", "type": "opportunity", "team_id": self.team.id})
        self.assertFalse(lead._dealer_route())
        self.assertFalse(lead.user_id)
        self.assertIn("Up for grabs", lead.message_ids[:1].body)

    def test_salesperson_board_hides_the_leads_of_others(self):
        self.team.dealer_up_for_grabs = False
        other = self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        self.assertEqual([lead["id"] for lead in self._board(self.sales_1)["leads"]], [])
        self.assertEqual([lead["id"] for lead in self._board(self.sales_2)["leads"]],
                         [other.id])


@tagged("post_install", "-at_install")
class TestDealerLeadForm(DealerSlaCommon):
    """The dealer's lead form: the phone written the national way."""

    def test_phone_written_the_national_way(self):
        lead = self._bare_lead(phone="+15145550142")
        self.assertEqual(lead.dealer_phone_national, "514 555-0142")
        lead.phone = "+33612345678"
        self.assertEqual(lead.dealer_phone_national, "+33 6 12 34 56 78")

    def test_vehicle_year_reads_without_separator(self):
        lead = self._bare_lead()
        self.env["dealer.lead.vehicle"].create(
            {"lead_id": lead.id, "year": 2026, "make": "Toyota", "model": "RAV4"})
        self.assertEqual(lead.dealer_vehicle_summary, "2026 Toyota RAV4")
        arch = self.env["dealer.lead.vehicle"].get_view(view_type="form")["arch"]
        self.assertIn("enable_formatting", arch)
