import json
from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.dealer_mystery_shopper import MYSTERY_DEFAULT_PHONE
from .common_sla import DealerSlaCommon

T0 = datetime(2026, 11, 24, 15, 0)  # Tuesday 10:00 in Montreal: the team is open
TEST_NUMBER = "+14385550142"
REAL_CUSTOMER = "+15145550177"


@tagged("post_install", "-at_install")
class TestMysteryShopper(DealerSlaCommon):
    """The built-in mystery shopper: per source on its schedule, a synthetic inquiry enters
    the real pipeline through the source's channel, flagged as a test; its texts reach only
    the dealer's test number; it is measured and kept out of the real figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.dealer_mystery_phone = TEST_NUMBER
        cls.env["dealer.sms.sandbox.message"]._dealer_enable_sandbox(
            cls.env.company, base_url="http://dealer.example")
        cls.policy.write({"hours_mode": "always", "first_response_minutes": 45,
                          "prewarn_minutes": 0})
        cls.source.write({"dealer_mystery_interval_hours": 24})
        cls.email_source = cls.env["dealer.lead.source"].create({
            "name": "Kijiji", "code": "kijiji", "email_match": "leads@kijiji.example",
            "team_id": cls.team.id, "default_lang": "fr_CA",
            "dealer_mystery_interval_hours": 24, "dealer_mystery_channel": "email",
        })
        cls.silent_source = cls.env["dealer.lead.source"].create({
            "name": "Site web", "code": "site", "team_id": cls.team.id})
        cls.Shopper = cls.env["dealer.mystery.shopper"]
        cls.manager.group_ids |= cls.env.ref("dealer_lead_addon.group_dealer_lead_manager")

    def _shop(self, at=T0):
        with self._frozen(at):
            self.Shopper._cron_dealer_mystery_shop()
        return self._tests()

    def _tests(self):
        return self.env["dealer.lead.intake"].search(
            [("dealer_is_test", "=", True)], order="id")

    def _deliver(self, at):
        with self._frozen(at):
            self._run_postcommit()

    def test_cron_sends_one_test_lead_per_enabled_source_through_its_channel(self):
        intakes = self._shop()
        self.assertEqual(intakes.source_id, self.source | self.email_source,
                         "the source without a frequency gets none (off by default)")
        self.assertEqual(intakes.mapped("channel"), ["http", "email"])
        self.assertEqual(intakes.mapped("state"), ["created", "created"])
        self.assertTrue(all(intakes.lead_id.mapped("dealer_is_test")))
        self.assertEqual(set(intakes.lead_id.mapped("phone_sanitized")), {TEST_NUMBER})

    def test_cron_waits_for_the_source_frequency(self):
        self._shop()
        self.assertEqual(len(self._shop(T0 + timedelta(hours=23))), 2, "not due yet")
        self.assertEqual(len(self._shop(T0 + timedelta(hours=24))), 4)

    def test_test_lead_is_routed_acknowledged_and_the_salesperson_alerted(self):
        lead = self._shop()[0].lead_id
        self._deliver(T0 + timedelta(seconds=4))
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2, "routed like any lead")
        self.assertIn(lead.dealer_ack_state, ("sent", "delivered"))
        phone = self.env["dealer.sms.sandbox.message"].sudo().search(
            [("number", "=", TEST_NUMBER)])
        self.assertTrue(phone, "the acknowledgement reached the test phone (sandbox)")
        alert = self._staff_sms_to(lead.user_id.dealer_alert_mobile)
        self.assertTrue(alert, "the salesperson is alerted: a person's answer is measured")

    def test_no_text_of_a_test_lead_leaves_to_a_real_number(self):
        lead = self._shop()[0].lead_id
        with self._frozen(T0):
            sms = self.env["dealer.outbound"]._send_sms(
                lead, "Bonjour!", purpose="sales", number=REAL_CUSTOMER)
            self._run_queues()
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(sms.failure_type, "dealer_mystery")
        self.assertFalse(self.env["dealer.sms.sandbox.message"].sudo().search(
            [("number", "=", REAL_CUSTOMER)]))

    def test_no_email_of_a_test_lead_leaves_to_a_real_address(self):
        lead = self._shop()[0].lead_id
        template = self.env.ref("dealer_lead_addon.mail_template_ack_fr")
        lead.sudo().email_from = "vrai.client@example.com"
        with self._frozen(T0):
            mail = self.env["dealer.outbound"]._send_mail(lead, template, purpose="ack")
            mail.send()
        self.assertEqual(mail.state, "cancel")

    def test_without_a_company_number_the_fictional_number_is_used(self):
        self.env.company.dealer_mystery_phone = False
        lead = self._shop()[0].lead_id
        self.assertEqual(lead.phone_sanitized, MYSTERY_DEFAULT_PHONE)

    def test_figures_acknowledgement_and_first_human_answer(self):
        intakes = self._shop()
        self._deliver(T0 + timedelta(seconds=4))
        lead = intakes[0].lead_id
        lead._dealer_human_responded("sms", self.sales_1, when=T0 + timedelta(minutes=12))
        with self._frozen(T0 + timedelta(minutes=20)):
            data = self.env["dealer.leaderboard"].with_user(self.manager).with_context(
                tz="America/Toronto").dealer_leaderboard_data()
        rows = {row["id"]: row for row in data["mystery"]["today"]}
        autotrader = rows[self.source.id]
        self.assertEqual(autotrader["ack_seconds"], 4)
        self.assertEqual(autotrader["answer_minutes"], 12.0)
        self.assertEqual(autotrader["last_answered_by"], "Marc Gagnon")
        self.assertEqual((autotrader["tests"], autotrader["answered"]), (1, 1))
        self.assertIsNone(rows[self.email_source.id]["answer_minutes"], "blank, not zero")

    def test_test_leads_count_in_no_real_figure(self):
        self._shop()
        with self._frozen(T0 + timedelta(minutes=1)):
            data = self.env["dealer.leaderboard"].with_user(self.manager).with_context(
                tz="America/Toronto").dealer_leaderboard_data()
            self.assertEqual(data["periods"]["today"]["total"]["leads"], 0)
            self.env["dealer.lead.intake"].sudo()._dealer_intake_http(
                self.source, json.dumps({
                    "customer": {"first_name": "Ana", "phones": [{"number": REAL_CUSTOMER}]},
                }).encode(), "application/json")
            data = self.env["dealer.leaderboard"].with_user(self.manager).with_context(
                tz="America/Toronto").dealer_leaderboard_data()
        self.assertEqual(data["periods"]["today"]["total"]["leads"], 1, "the real lead only")

    def test_a_real_inquiry_is_never_merged_into_a_test_lead(self):
        test_lead = self._shop()[0].lead_id
        with self._frozen(T0):
            intake, outcome = self.env["dealer.lead.intake"].sudo()._dealer_intake_http(
                self.source, json.dumps({
                    "customer": {"first_name": "Ana", "phones": [{"number": TEST_NUMBER}]},
                }).encode(), "application/json")
        self.assertEqual(outcome, "created")
        self.assertNotEqual(intake.lead_id, test_lead)
        self.assertFalse(intake.dealer_is_test or intake.lead_id.dealer_is_test)

    def test_a_client_cannot_flag_a_lead_as_a_test(self):
        lead = self.env["crm.lead"].with_user(self.manager).create(
            {"name": "Vrai client", "dealer_is_test": True})
        self.assertFalse(lead.dealer_is_test)
        lead.with_user(self.manager).write({"dealer_is_test": True})
        self.assertFalse(lead.dealer_is_test)

    def test_test_leads_leave_the_pipeline_once_answered(self):
        answered, waiting = self._shop().lead_id
        answered._dealer_human_responded("sms", self.sales_1, when=T0 + timedelta(minutes=5))
        self.source.dealer_mystery_interval_hours = 0
        self.email_source.dealer_mystery_interval_hours = 0
        self._shop(T0 + timedelta(hours=2))
        self.assertEqual((answered.active, waiting.active), (False, True))
        self._shop(T0 + timedelta(hours=25))
        self.assertFalse(waiting.active, "nobody answered in a day: archived too")
        with self._frozen(T0 + timedelta(hours=25)):
            data = self.env["dealer.leaderboard"].with_user(self.manager).with_context(
                tz="America/Toronto").dealer_leaderboard_data()
        self.assertEqual(data["mystery"]["week"][0]["answer_minutes"], 5.0,
                         "the figures stay once archived")

    def test_test_leads_do_not_hide_a_silent_feed(self):
        self._shop()
        self.assertFalse(self.source.last_intake_at,
                         "the feed watchdog counts the provider's inquiries only")


@tagged("post_install", "-at_install")
class TestMysteryShopperSecrecy(DealerSlaCommon):
    """Salespeople are the ones tested: nothing tells them which leads are tests, nor when
    the tests come."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.group_ids |= cls.env.ref("dealer_lead_addon.group_dealer_lead_manager")
        cls.env.company.dealer_mystery_phone = TEST_NUMBER
        cls.source.write({"dealer_mystery_interval_hours": 24})
        cls.env["dealer.sms.sandbox.message"]._dealer_enable_sandbox(
            cls.env.company, base_url="http://dealer.example")

    def _as_salesperson(self, model):
        return self.env[model].with_user(self.sales_1)

    def test_a_salesperson_cannot_read_which_intake_is_a_test(self):
        with self._frozen(T0):
            self.env["dealer.mystery.shopper"]._cron_dealer_mystery_shop()
        test_intake = self.env["dealer.lead.intake"].search([("dealer_is_test", "=", True)])
        self.assertTrue(test_intake)
        intake = test_intake.with_user(self.sales_1)
        intake.read(["name"])  # the inquiry itself stays readable
        with self.assertRaises(AccessError):
            intake.read(["dealer_is_test"])

    def test_a_salesperson_cannot_read_a_source_test_schedule(self):
        source = self.source.with_user(self.sales_1)
        source.read(["name"])
        for field in ("dealer_mystery_interval_hours", "dealer_mystery_last_at"):
            with self.assertRaises(AccessError):
                source.read([field])

    def test_a_salesperson_cannot_read_the_test_number(self):
        with self.assertRaises(AccessError):
            self.env.company.with_user(self.sales_1).read(["dealer_mystery_phone"])

    def test_a_salesperson_source_form_has_no_mystery_section(self):
        arch = self._as_salesperson("dealer.lead.source").get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("dealer_mystery", arch)
        self.assertIn("watchdog", arch)

    def test_a_salesperson_intake_search_has_no_test_filter(self):
        arch = self._as_salesperson("dealer.lead.intake").get_views(
            [(False, "search")])["views"]["search"]["arch"]
        self.assertNotIn("dealer_is_test", arch)

    def test_the_manager_source_form_shows_the_schedule(self):
        arch = self.env["dealer.lead.source"].with_user(self.manager).get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("dealer_mystery_interval_hours", arch)

    def test_leaderboard_with_its_tests_is_the_managers(self):
        Board = self.env["dealer.leaderboard"].with_context(tz="America/Toronto")
        with self._frozen(T0 + timedelta(minutes=5)):
            self.assertIn("mystery", Board.with_user(self.manager).dealer_leaderboard_data())
            with self.assertRaises(AccessError):
                Board.with_user(self.sales_1).dealer_leaderboard_data()

    def test_showroom_screen_shows_no_test(self):
        Board = self.env["dealer.leaderboard"].with_context(tz="America/Toronto")
        with self._frozen(T0 + timedelta(minutes=5)):
            data = Board.with_user(self.manager).dealer_leaderboard_data(kiosk=True)
        self.assertNotIn("mystery", data)
