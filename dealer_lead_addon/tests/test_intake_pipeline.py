import json
from datetime import timedelta
from types import SimpleNamespace
from unittest.mock import patch

from psycopg2 import errors

from odoo import sql_db
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models import crm_lead as crm_lead_module
from ..models.dealer_lead_intake import DealerLeadIntake, advisory_lock_id
from ..tools import concurrency
from ..tools import inquiry as inquiry_tools
from .common_intake import OPEN_NOW, DealerIntakeCommon

INTAKE_LOGGER = "odoo.addons.dealer_lead_addon.models.dealer_raw_inbox_mixin"


def inquiry_json(provider_id="P-1", phone="514-555-0123", email="ana@example.com", **extra):
    return json.dumps({
        "provider_lead_id": provider_id,
        "customer": {"first_name": "Ana", "last_name": "Lee", "email": email,
                     "phones": [{"number": phone, "type": "mobile"}]},
        "vehicles": [{"interest": "buy", "status": "new", "make": "Mazda", "model": "CX-5"}],
        **extra,
    })


@tagged("post_install", "-at_install")
class TestIntakePipelineConcurrency(DealerIntakeCommon):
    """Concurrency is not content: what Odoo retries is raised, never quarantined."""

    def _http(self, body):
        Intake = self.env["dealer.lead.intake"].sudo()
        with self._frozen(OPEN_NOW):
            return Intake._dealer_intake_http(self.source, body.encode(), "application/json")

    def _intakes(self):
        return self.env["dealer.lead.intake"].search([("source_id", "=", self.source.id)])

    def test_serialization_failure_is_raised_not_quarantined(self):
        with patch.object(DealerLeadIntake, "_dealer_find_duplicate",
                          side_effect=errors.SerializationFailure("could not serialize")), \
                self.assertRaises(errors.SerializationFailure), self.env.cr.savepoint():
            self._http(inquiry_json())
        self.assertFalse(self._intakes().filtered(lambda i: i.state == "quarantined"))

    def test_lock_timeout_is_raised_not_quarantined(self):
        with patch.object(DealerLeadIntake, "_dealer_find_duplicate",
                          side_effect=errors.LockNotAvailable("lock timeout")), \
                self.assertRaises(errors.LockNotAvailable), self.env.cr.savepoint():
            self._http(inquiry_json())

    def test_dedupe_key_held_by_another_transaction_waits_then_retries(self):
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        other.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_lock_id("phone:+15145550123")])
        waited = []

        def other_commits_then_wait(intake, lock_id):
            waited.append(lock_id)
            other.rollback()  # the other worker's transaction ends: the lock is free
            return original_wait(intake, lock_id)

        original_wait = DealerLeadIntake._dealer_wait_for_lock
        with patch.object(DealerLeadIntake, "_dealer_wait_for_lock", other_commits_then_wait), \
                self.assertRaises(ConcurrencyError), self.env.cr.savepoint():
            self._http(inquiry_json())
        self.assertEqual(waited, [advisory_lock_id("phone:+15145550123")])
        self.assertFalse(self._intakes().filtered(lambda i: i.state == "quarantined"))

    def test_locks_stop_at_the_first_key_held_by_another_transaction(self):
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        other.execute("SELECT pg_advisory_xact_lock(%s)", [2])
        self.assertEqual(concurrency.try_xact_locks(self.env.cr, [1, 2, 3]), 2)
        # the key after the held one was not taken: a third worker can take it
        other.execute("SELECT pg_try_advisory_xact_lock(%s), pg_try_advisory_xact_lock(%s)",
                      [1, 3])
        self.assertEqual(other.fetchone(), (False, True))

    def test_locks_free_are_all_taken(self):
        self.assertIsNone(concurrency.try_xact_locks(self.env.cr, [11, 12]))
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        other.execute("SELECT pg_try_advisory_xact_lock(%s), pg_try_advisory_xact_lock(%s)",
                      [11, 12])
        self.assertEqual(other.fetchone(), (False, False))

    @mute_logger("odoo.sql_db", INTAKE_LOGGER)
    def test_concurrent_insert_of_same_provider_id_is_retried_not_409(self):
        self._http(inquiry_json(provider_id="SAME"))
        # the second worker's snapshot saw neither the lead nor the intake of the first
        with patch.object(DealerLeadIntake, "_dealer_find_duplicate",
                          return_value=(self.env["crm.lead"], False)), \
                patch.object(DealerLeadIntake, "_dealer_provider_id_free", return_value=True), \
                self.assertRaises(ConcurrencyError), self.env.cr.savepoint():
            self._http(inquiry_json(provider_id="SAME", phone="438-555-0000", email="x@y.ca"))

    def test_snapshot_check_reads_committed_leads_on_a_fresh_connection(self):
        intake = self.env["dealer.lead.intake"].create({"channel": "http", "raw_payload": "{}"})
        inquiry = inquiry_tools.from_json(
            {"customer": {"phone": "+15145550123", "email": "ana@example.com"}})
        # outside tests: a real second connection in READ COMMITTED, which cannot see this
        # test's uncommitted leads (the customer has none committed: nothing to retry)
        with patch.object(concurrency.module, "current_test", False):
            intake._dealer_check_snapshot(inquiry)
        inquiry = inquiry_tools.from_json({"customer": {"phone": "+15145550123"}})
        with patch.object(concurrency.module, "current_test", False):
            intake._dealer_check_snapshot(inquiry)

    def test_side_work_runs_inline_while_modules_are_installed(self):
        # an install or upgrade holds locks on the tables it alters: a second connection
        # waiting for them would wait for its own caller for ever
        with patch.object(concurrency.module, "current_test", False), \
                patch.object(self.env.registry, "ready", False), \
                concurrency.read_committed_cursor(self.env) as (cr, inline):
            self.assertTrue(inline)
            self.assertIs(cr, self.env.cr)

    def test_side_transaction_gives_up_on_a_lock_instead_of_hanging(self):
        with patch.object(concurrency.module, "current_test", False), \
                concurrency.read_committed_cursor(self.env) as (cr, inline):
            self.assertFalse(inline)
            cr.execute("SHOW lock_timeout")
            self.assertEqual(cr.fetchone()[0], concurrency.SIDE_LOCK_TIMEOUT)

    def test_same_provider_id_after_commit_is_a_repeat(self):
        first, outcome = self._http(inquiry_json(provider_id="SAME"))
        again, again_outcome = self._http(inquiry_json(provider_id="SAME"))
        self.assertEqual((outcome, again_outcome), ("created", "repeat"))
        self.assertEqual(again.lead_id, first.lead_id)

    def test_a_state_created_later_is_found_by_the_cached_region_lookup(self):
        State = self.env["res.country.state"]
        canada = self.env.ref("base.ca")
        self.assertFalse(State._dealer_state_id(canada.id, "ZZ"))
        state = State.create({"name": "Zed", "code": "ZZ", "country_id": canada.id})
        self.assertEqual(State._dealer_state_id(canada.id, "ZZ"), state.id)

    def test_utm_source_of_a_provider_is_created_once_then_found_in_the_cache(self):
        source = self.env["dealer.lead.source"].create({"name": "Kijiji", "code": "kijiji"})
        self.assertFalse(self.env["utm.source"]._dealer_id_by_name("Kijiji Autos"))
        first = source._dealer_utm_source("Kijiji Autos")
        self.assertEqual(source._dealer_utm_source(" kijiji autos "), first)
        self.assertEqual(self.env["utm.source"]._dealer_id_by_name("Kijiji Autos"), first.id)

    def test_provider_id_of_a_deleted_lead_starts_a_new_lead(self):
        first, _outcome = self._http(inquiry_json(provider_id="GONE"))
        first.lead_id.unlink()
        again, outcome = self._http(inquiry_json(provider_id="GONE"))
        self.assertEqual(outcome, "created")
        self.assertTrue(again.lead_id)
        self.assertEqual((first.provider_lead_id, again.provider_lead_id), ("GONE", False),
                         "the earlier intake keeps the id: the new one is not refused for it")

    @mute_logger("odoo.sql_db", INTAKE_LOGGER)
    def test_unexpected_error_is_quarantined_internal_without_details(self):
        with patch.object(DealerLeadIntake, "_dealer_lead_values",
                          side_effect=ValueError("secret detail")):
            intake, outcome = self._http(inquiry_json())
        self.assertEqual((outcome, intake.state, intake.reason_code),
                         ("quarantined", "quarantined", "internal"))
        self.assertNotIn("secret detail", intake.reason)
        self.assertEqual(intake.raw_payload, inquiry_json(), "the inquiry is kept as received")

    def test_content_error_has_a_reason_code(self):
        intake, _outcome = self._http(json.dumps({"customer": {"first_name": "Nobody"}}))
        self.assertEqual(intake.state, "quarantined")
        self.assertTrue(intake.reason_code)
        self.assertNotEqual(intake.reason_code, "internal")

    @mute_logger("odoo.sql_db", INTAKE_LOGGER)
    def test_failed_routing_gives_the_turn_back(self):
        members = self.team.crm_team_member_ids
        with patch.object(type(self.env["crm.lead"]), "_dealer_after_intake",
                          side_effect=ValueError("boom")):
            intake, _outcome = self._http(inquiry_json())
        self.assertEqual(intake.state, "quarantined")
        self.assertEqual(sum(members.mapped("dealer_assigned_count")), 0,
                         "no lead was created: nobody's count moved")

    def test_round_robin_stays_fair_over_a_burst(self):
        member_1 = self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.sales_1)
        member_1.dealer_weight = 2
        for index in range(30):
            self._http(inquiry_json(provider_id=f"B-{index}", phone=f"514-555-{1000 + index}",
                                    email=f"c{index}@example.com"))
        leads = self._intakes().lead_id
        self.assertEqual(len(leads), 30)
        self.assertEqual(len(leads.filtered(lambda lead: lead.user_id == self.sales_1)), 20)
        self.assertEqual(len(leads.filtered(lambda lead: lead.user_id == self.sales_2)), 10)

    @mute_logger("odoo.sql_db", INTAKE_LOGGER)
    def test_retry_of_many_quarantined_intakes_each_in_its_own_savepoint(self):
        intakes = self.env["dealer.lead.intake"]
        for _index in range(3):
            intakes |= self._http('{"customer": ')[0]
        self.assertEqual(set(intakes.mapped("state")), {"quarantined"})
        for index, intake in enumerate(intakes):
            intake.payload = inquiry_json(
                provider_id=f"R-{index}", phone=f"514-555-{2000 + index}",
                email=f"r{index}@example.com")
        broken = intakes[1]
        original = DealerLeadIntake._dealer_lead_values

        def sql_error_for_one(intake, inquiry):
            if intake == broken:
                intake.env.cr.execute("SELECT 1 / 0")  # an SQL error inside its savepoint
            return original(intake, inquiry)

        with patch.object(DealerLeadIntake, "_dealer_lead_values", sql_error_for_one), \
                self._frozen(OPEN_NOW):
            intakes.action_retry()
        self.assertEqual(intakes.mapped("state"), ["created", "quarantined", "created"])
        self.assertEqual(broken.reason_code, "internal")


@tagged("post_install", "-at_install")
class TestIntakePipelineChannels(DealerIntakeCommon):
    """Website and hand-typed leads go through the same pipeline; other modules' leads are no
    inquiries."""

    def _lead(self, channel=None, **values):
        Lead = self.env["crm.lead"]
        if channel:
            Lead = Lead.with_context(dealer_inquiry_channel=channel)
        with self._frozen(OPEN_NOW):
            return Lead.create({"name": "Essai", "team_id": self.team.id, "user_id": False,
                                **values})

    def _open_lead(self):
        with self._frozen(OPEN_NOW):
            intake, _outcome = self.env["dealer.lead.intake"].sudo()._dealer_intake_http(
                self.source, inquiry_json().encode(), "application/json")
        return intake.lead_id

    def test_web_inquiry_of_a_customer_with_an_open_lead_is_attached(self):
        lead = self._open_lead()
        web = self._lead("web", contact_name="Ana", phone="514 555 0123")
        intake = self.env["dealer.lead.intake"].search([("channel", "=", "web")])
        self.assertEqual((intake.state, intake.lead_id), ("attached", lead))
        self.assertFalse(web.active, "the form's own lead is archived as a duplicate")
        self.assertEqual(lead.dealer_inquiry_count, 2)
        self.assertFalse(web.dealer_ack_state == "pending", "no second acknowledgement")

    def test_web_inquiry_without_contact_is_quarantined(self):
        web = self._lead("web", contact_name="Anonymous")
        intake = self.env["dealer.lead.intake"].search([("lead_id", "=", web.id)])
        self.assertEqual((intake.state, intake.reason_code), ("quarantined", "no_contact"))
        self.assertFalse(web.active)
        self.assertFalse(web.dealer_consent_ids)

    def test_hand_typed_lead_of_a_customer_with_an_open_lead_is_refused(self):
        lead = self._open_lead()
        with self.assertRaises(UserError) as refused:
            self._lead("manual", contact_name="Ana", email_from="ANA@example.com")
        self.assertIn(lead.name, str(refused.exception))

    def test_hand_typed_walk_in_without_contact_is_kept_and_routed(self):
        lead = self._lead("manual", contact_name="Walk-in")
        self.assertTrue(lead.active)
        self.assertIn(lead.user_id, self.sales_1 | self.sales_2)
        self.assertEqual(lead.dealer_intake_ids.state, "created")

    def test_lead_created_by_another_module_is_not_an_inquiry(self):
        lead = self._lead(contact_name="Event guest", phone="+15145550188")
        self.assertFalse(lead.dealer_intake_ids)
        self.assertFalse(lead.dealer_ack_state)
        self.assertFalse(lead.dealer_consent_ids, "no implied consent")
        self.assertFalse(lead.user_id, "not routed")

    def test_imported_lead_is_not_an_inquiry(self):
        result = self.env["crm.lead"].load(["name", "phone"], [["Imported", "+15145550177"]])
        lead = self.env["crm.lead"].browse(result["ids"])
        self.assertTrue(lead)
        self.assertFalse(lead.dealer_intake_ids)
        self.assertFalse(lead.dealer_consent_ids)

    def test_merged_leads_are_not_inquiries(self):
        first = self._lead("manual", contact_name="A", phone="+15145550161")
        second = self._lead(contact_name="A bis", phone="+15145550162")
        intakes = self.env["dealer.lead.intake"].search_count([])
        with self._frozen(OPEN_NOW):
            merged = (first | second)._merge_opportunity(auto_unlink=False)
        self.assertEqual(self.env["dealer.lead.intake"].search_count([]), intakes)
        self.assertEqual(merged.dealer_intake_ids.mapped("channel"), ["manual"])

    def test_channel_is_named_by_the_request_path(self):
        def channel(path):
            fake = SimpleNamespace(httprequest=SimpleNamespace(path=path))
            with patch.object(crm_lead_module, "request", fake):
                return self.env["crm.lead"]._dealer_inquiry_channel()

        self.assertEqual(channel("/website/form/crm.lead"), "web")
        self.assertEqual(channel("/web/dataset/call_kw/crm.lead/web_save"), "manual")
        self.assertIsNone(channel("/web/dataset/call_kw/crm.lead/copy"))
        self.assertIsNone(channel("/web/dataset/call_kw/base_import.import/execute_import"))
        self.assertIsNone(channel("/web/dataset/call_kw/event.registration/web_save"))


@tagged("post_install", "-at_install")
class TestIntakeQuarantineAlerts(DealerIntakeCommon):
    """Quarantine alerts come once per source per hour, not once per intake."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="gerant", name="Gérant", notification_type="inbox",
            groups="dealer_lead_addon.group_dealer_lead_manager")

    def _quarantine_one(self, at):
        with self._frozen(at):
            intake, _outcome = self.env["dealer.lead.intake"].sudo()._dealer_intake_http(
                self.source, b'{"customer": ', "application/json")
        return intake

    def _alerted(self, intakes):
        return intakes.filtered(lambda intake: intake.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids))

    def test_one_alert_per_source_and_hour(self):
        burst = self.env["dealer.lead.intake"]
        for minutes in (0, 10, 59):
            burst |= self._quarantine_one(OPEN_NOW + timedelta(minutes=minutes))
        self.assertEqual(self._alerted(burst), burst[0])
        later = self._quarantine_one(OPEN_NOW + timedelta(minutes=61))
        self.assertEqual(self._alerted(later), later)
