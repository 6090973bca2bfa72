import json

from odoo.tests import new_test_user, tagged
from odoo.tools import LazyTranslate

from odoo.addons.bus.models.bus import channel_with_db, json_dump

from .common_intake import OPEN_NOW
from .common_texting import DealerTextingCommon
from .common_video import DealerVideoCommon

_lt = LazyTranslate(__name__)


class BusInspection:
    """Reads what was sent on Odoo's bus: the rows a commit would write in ``bus.bus``."""

    def setUp(self):
        super().setUp()
        self._bus_flush()
        self.bus_mark = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id

    def _bus_flush(self):
        self.env.flush_all()
        self.env.cr.precommit.run()  # where Odoo writes the bus rows, just before commit

    def _bus(self, user, notification_type):
        """Payloads of ``notification_type`` sent to ``user`` since the test began."""
        self._bus_flush()
        channel = json_dump(channel_with_db(self.env.cr.dbname, user.partner_id))
        rows = self.env["bus.bus"].sudo().search(
            [("id", ">", self.bus_mark), ("channel", "=", channel)], order="id")
        messages = [json.loads(row.message) for row in rows]
        return [m["payload"] for m in messages if m["type"] == notification_type]


class DealerBusCommon(BusInspection, DealerTextingCommon):
    pass


@tagged("post_install", "-at_install")
class TestRealtimeAlerts(DealerBusCommon):
    """``dealer_lead/alert``: each alert reaches the screens of the people concerned at once,
    in their language, with what the toast needs to open the lead."""

    def test_alert_reaches_the_alerted_users_screen(self):
        lead = self.customer_lead
        self.env["dealer.staff.alert"]._alert(
            lead, self.sales_1, _lt("Overdue: %(customer)s is waiting for your answer. %(link)s",
                                    customer="Sophie", link=lead._dealer_link()),
            subject=_lt("Lead for you: %(customer)s", customer="Sophie"), kind="new_lead")
        self.assertEqual(self._bus(self.sales_1, "dealer_lead/alert"), [{
            "kind": "new_lead", "lead_id": lead.id, "title": "Lead for you: Sophie",
            "body": "Overdue: Sophie is waiting for your answer.",
            "url": f"/odoo/crm/{lead.id}", "sound": True}])

    def test_only_the_alerted_users_get_it(self):
        self.env["dealer.staff.alert"]._alert(
            self.customer_lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                  customer="Sophie"), kind="new_lead")
        self.assertFalse(self._bus(self.sales_2, "dealer_lead/alert"))

    def test_alert_without_kind_stays_off_screen(self):
        self.env["dealer.staff.alert"]._alert(
            self.customer_lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                  customer="Sophie"), text=False)
        self.assertFalse(self._bus(self.sales_1, "dealer_lead/alert"))

    def test_toast_is_in_the_users_language(self):
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        self.sales_1.lang = "fr_CA"
        self.env["dealer.staff.alert"]._alert(
            self.customer_lead, self.sales_1 | self.sales_2, _lt(
                "Lead for you: %(customer)s", customer="Sophie"), kind="new_lead")
        self.assertEqual(self._bus(self.sales_1, "dealer_lead/alert")[0]["body"],
                         "Piste pour vous : Sophie")
        self.assertEqual(self._bus(self.sales_2, "dealer_lead/alert")[0]["body"],
                         "Lead for you: Sophie")

    def test_new_lead_alert_goes_to_its_salesperson(self):
        self.customer_lead._dealer_alert_salesperson()
        [alert] = self._bus(self.sales_1, "dealer_lead/alert")
        self.assertEqual((alert["kind"], alert["lead_id"]), ("new_lead", self.customer_lead.id))

    def test_customer_text_reaches_the_holders_screen(self):
        self._receive("Est-ce que le RAV4 est encore disponible?")
        [alert] = self._bus(self.sales_1, "dealer_lead/alert")
        self.assertEqual(alert["kind"], "customer_text")
        self.assertIn("encore disponible", alert["body"])

    def test_overdue_alerts_the_team_leader(self):
        policy = self.env["dealer.sla.policy"].create({
            "name": "Texts", "team_id": self.team.id, "first_response_minutes": 10,
            "message_response_minutes": 5, "prewarn_minutes": 3, "escalation_minutes": 10})
        self.team.user_id = self.sales_2
        with self._frozen(OPEN_NOW):
            clock = self.env["dealer.response.clock"]._dealer_start(
                self.customer_lead, "first", at=OPEN_NOW)
            clock._dealer_step_manager(OPEN_NOW)
        manager = policy._dealer_manager(self.customer_lead)
        kinds = [alert["kind"] for alert in self._bus(manager, "dealer_lead/alert")]
        self.assertEqual(kinds, ["overdue"])


@tagged("post_install", "-at_install")
class TestRealtimeBoard(DealerBusCommon):
    """``dealer_lead/board``: the team's boards hear of every change of what they show."""

    def test_new_lead_is_upserted_on_the_team_boards(self):
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Civic", "contact_name": "Jean Roy", "team_id": self.team.id})
        for user in (self.sales_1, self.sales_2, self.night_owner):
            self.assertIn({"lead_id": lead.id, "op": "upsert"},
                          self._bus(user, "dealer_lead/board"))

    def _new_team_lead(self):
        return self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Civic", "contact_name": "Jean Roy", "team_id": self.team.id})

    def test_member_who_joins_the_team_hears_of_its_next_lead(self):
        self._new_team_lead()  # the team's audience is known (cached)
        newcomer = self._dealer_salesperson("paul", "Paul Roy", False)
        lead = self._new_team_lead()
        self.assertIn({"lead_id": lead.id, "op": "upsert"},
                      self._bus(newcomer, "dealer_lead/board"))

    def test_member_who_leaves_the_team_hears_no_more(self):
        self._new_team_lead()
        self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.sales_2).unlink()
        lead = self._new_team_lead()
        self.assertNotIn({"lead_id": lead.id, "op": "upsert"},
                         self._bus(self.sales_2, "dealer_lead/board"))

    def test_new_team_leader_hears_of_the_next_lead(self):
        leader = new_test_user(self.env, login="chef", name="Chef",
                               groups="dealer_lead_addon.group_dealer_lead_manager")
        self._new_team_lead()
        self.team.user_id = leader
        lead = self._new_team_lead()
        self.assertIn({"lead_id": lead.id, "op": "upsert"},
                      self._bus(leader, "dealer_lead/board"))

    def test_reassignment_is_upserted(self):
        self.customer_lead.user_id = self.sales_2
        self.assertEqual(self._bus(self.sales_2, "dealer_lead/board"),
                         [{"lead_id": self.customer_lead.id, "op": "upsert"}])

    def test_answered_lead_is_removed(self):
        self.customer_lead.dealer_first_response_at = "2026-11-24 15:05:00"
        self.assertEqual(self._bus(self.sales_1, "dealer_lead/board"),
                         [{"lead_id": self.customer_lead.id, "op": "remove"}])

    def test_unrelated_change_sends_nothing(self):
        self.customer_lead.description = "Rappeler demain"
        self.assertFalse(self._bus(self.sales_1, "dealer_lead/board"))


@tagged("post_install", "-at_install")
class TestRealtimeVideoRing(BusInspection, DealerVideoCommon):
    """A customer waiting on video rings the advisors' Odoo screens, with the ring sound."""

    def test_ring_group_reaches_every_advisor_rung(self):
        lead = self._video_lead(None)
        session = self._session(lead)
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
        for user in (self.sales_1, self.sales_2):
            [alert] = self._bus(user, "dealer_lead/alert")
            self.assertEqual((alert["kind"], alert["lead_id"], alert["sound"]),
                             ("video_waiting", lead.id, True))
            self.assertEqual(alert["title"], "Customer waiting on video: Sophie")
        self.assertFalse(self._bus(self.night_owner, "dealer_lead/alert"),
                         "out of the rotation: not rung")

    def test_assigned_salesperson_alone_is_rung(self):
        session = self._session()
        with self._frozen(OPEN_NOW):
            self._receive(session, "customer_waiting", customer_name="Sophie")
        self.assertEqual(len(self._bus(self.sales_1, "dealer_lead/alert")), 1)
        self.assertFalse(self._bus(self.sales_2, "dealer_lead/alert"))


@tagged("post_install", "-at_install")
class TestAlertsInOdooByDefault(DealerTextingCommon):
    """The addon's users read notifications "In Odoo" unless they chose otherwise."""

    def _create(self, group, **values):
        return self.env["res.users"].create({
            "name": "Léa Côté", "login": f"lea-{group}", "email": "lea@autolaval.example",
            "group_ids": [(6, 0, self.env.ref(f"dealer_lead_addon.{group}").ids)], **values})

    def test_new_salesperson_is_notified_in_odoo(self):
        self.assertEqual(self._create("group_dealer_lead_salesperson").notification_type,
                         "inbox")

    def test_new_manager_is_notified_in_odoo(self):
        self.assertEqual(self._create("group_dealer_lead_manager").notification_type, "inbox")

    def test_an_explicit_choice_is_kept(self):
        user = self._create("group_dealer_lead_salesperson", notification_type="email")
        self.assertEqual(user.notification_type, "email")

    def test_other_users_keep_odoos_default(self):
        user = self.env["res.users"].create({
            "name": "Comptable", "login": "comptable", "email": "compta@autolaval.example",
            "group_ids": [(6, 0, self.env.ref("base.group_user").ids)]})
        self.assertEqual(user.notification_type, "email")
