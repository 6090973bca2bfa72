import contextlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import LazyTranslate, mute_logger

from ..tools import staff_commands
from ..tools.concurrency import CONCURRENCY_ERRORS
from .common_intake import OPEN_NOW
from .common_texting import CUSTOMER, DEALER_NUMBER, new_sid
from .test_realtime_bus import DealerBusCommon

_lt = LazyTranslate(__name__)

MARC = "+15145550101"  # sales_1's alert mobile
JULIE = "+15145550102"  # sales_2's alert mobile


class DealerStaffCommandCommon(DealerBusCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.customer_lead
        cls.env["dealer.consent"]._dealer_record("express", ["sales"], phone=CUSTOMER,
                                                 source="inquiry form", lead=cls.lead)

    def _alert(self, lead, users):
        """The alert text that a reply answers."""
        self.env["dealer.staff.alert"]._alert(
            lead, users, _lt("Lead for you: %(customer)s",
                             customer=lead._dealer_sla_customer()), kind="new_lead")

    def _last_text_to(self, number):
        return self._texts_to(number)[-1:].body or ""

    def _up_for_grabs(self, name="Civic - Jean Roy", phone="+15145550177"):
        """A lead of the team that nobody holds yet, texted to Marc and Julie."""
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": name, "contact_name": name.split(" - ")[-1], "phone": phone,
            "team_id": self.team.id, "user_id": False})
        self._alert(lead, self.sales_1 | self.sales_2)
        return lead


@tagged("post_install", "-at_install")
class TestLeadCode(DealerStaffCommandCommon):

    def test_every_code_names_its_lead_back(self):
        for lead_id in (1, 2, 24, 15624, 15625, 10**6):
            self.assertEqual(staff_commands.decode(staff_commands.encode(lead_id)), lead_id)

    def test_code_is_read_in_any_case_with_or_without_hash(self):
        code = self.lead._dealer_code()
        self.assertEqual(staff_commands.split_code(f"#{code.lower()} 1"), (self.lead.id, "1"))
        self.assertEqual(staff_commands.split_code(f"{code}: ok"), (self.lead.id, "ok"))

    def test_words_are_not_codes(self):
        for text in ("OUI", "OK", "IN", "OUT", "AIDE", "Merci", "1"):
            self.assertEqual(staff_commands.split_code(text), (None, text))

    def test_alert_text_starts_with_the_code(self):
        self._alert(self.lead, self.sales_1)
        self.assertTrue(self._last_text_to(MARC).startswith(f"#{self.lead._dealer_code()} "))


@tagged("post_install", "-at_install")
class TestStaffClaim(DealerStaffCommandCommon):

    def test_one_claims_a_lead_nobody_holds(self):
        lead = self._up_for_grabs()
        self._receive("1", sender=JULIE)
        self.assertEqual(lead.user_id, self.sales_2)
        self.assertIn(f"Lead #{lead._dealer_code()} is yours", self._last_text_to(JULIE))

    def test_oui_and_ok_claim_too(self):
        for word, lead in (("OUI", self._up_for_grabs()), ("ok", self._up_for_grabs(
                "Accord - Léa Côté", "+15145550178"))):
            self._receive(f"#{lead._dealer_code()} {word}", sender=JULIE)
            self.assertEqual(lead.user_id, self.sales_2, word)

    def test_second_claim_loses_and_is_told(self):
        lead = self._up_for_grabs()
        self._receive("1", sender=JULIE)
        self._receive("1", sender=MARC)
        self.assertEqual(lead.user_id, self.sales_2)
        self.assertIn("Too late: Julie Roy already has lead", self._last_text_to(MARC))

    def test_the_others_alerted_see_the_claim_on_screen(self):
        lead = self._up_for_grabs()
        self._receive("1", sender=JULIE)
        claimed = [a for a in self._bus(self.sales_1, "dealer_lead/alert")
                   if a["kind"] == "claimed"]
        self.assertEqual([(a["lead_id"], a["sound"]) for a in claimed], [(lead.id, False)])
        self.assertEqual([{"lead_id": lead.id, "op": "upsert"}],
                         self._bus(self.sales_1, "dealer_lead/board")[-1:])

    def test_claim_is_logged_on_the_lead(self):
        lead = self._up_for_grabs()
        self._receive("1", sender=JULIE)
        self.assertIn("Lead claimed by Julie Roy.", str(lead.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestStaffPassAndRotation(DealerStaffCommandCommon):

    def test_p_passes_the_lead_to_the_next_in_rotation(self):
        self._alert(self.lead, self.sales_1)
        with self._frozen(OPEN_NOW):
            self._receive("P", sender=MARC)
        self.assertEqual(self.lead.user_id, self.sales_2)
        self.assertIn("passed to Julie Roy", self._last_text_to(MARC))
        self.assertIn("New lead: Sophie Tremblay", self._last_text_to(JULIE))

    def test_pass_with_nobody_available_keeps_the_lead(self):
        self.team.crm_team_member_ids.filtered(
            lambda m: m.user_id == self.sales_2).dealer_in_rotation = False
        self._alert(self.lead, self.sales_1)
        with self._frozen(OPEN_NOW):
            self._receive("P", sender=MARC)
        self.assertEqual(self.lead.user_id, self.sales_1)
        self.assertIn("Nobody else is available", self._last_text_to(MARC))

    def test_out_leaves_and_in_joins_the_rotation(self):
        member = self.team.crm_team_member_ids.filtered(lambda m: m.user_id == self.sales_1)
        self._receive("OUT", sender=MARC)
        self.assertFalse(member.dealer_in_rotation)
        self.assertIn("You are out of the rotation (Ventes)", self._last_text_to(MARC))
        self._receive("in", sender=MARC)
        self.assertTrue(member.dealer_in_rotation)

    def test_help_lists_the_commands_not_the_customer_help(self):
        self._receive("?", sender=MARC)
        self.assertIn("Reply 1 (or OK) to take the lead, P to pass it", self._last_text_to(MARC))
        inbound = self._receive("AIDE", sender=MARC)
        self.assertFalse(inbound.keyword)
        self.assertEqual(self._texts_to(MARC).mapped("dealer_purpose"), ["staff", "staff"])

    def test_help_in_french_for_a_french_salesperson(self):
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        self.sales_1.lang = "fr_CA"
        self._receive("AIDE", sender=MARC)
        self.assertIn("Répondez 1 (ou OK) pour prendre la piste", self._last_text_to(MARC))


@tagged("post_install", "-at_install")
class TestStaffWhichLead(DealerStaffCommandCommon):

    def test_several_leads_ask_which(self):
        first, second = self._up_for_grabs(), self._up_for_grabs("Accord - Léa Côté",
                                                                  "+15145550178")
        self._receive("1", sender=JULIE)
        self.assertFalse((first | second).user_id)
        answer = self._last_text_to(JULIE)
        self.assertIn("Which lead?", answer)
        self.assertIn(f"#{first._dealer_code()} Jean Roy", answer)
        self.assertIn(f"#{second._dealer_code()} Léa Côté", answer)

    def test_the_code_settles_it(self):
        first, second = self._up_for_grabs(), self._up_for_grabs("Accord - Léa Côté",
                                                                  "+15145550178")
        self._receive(f"#{second._dealer_code()} 1", sender=JULIE)
        self.assertEqual((first.user_id, second.user_id), (self.env["res.users"], self.sales_2))

    def test_nothing_waiting_says_so(self):
        self._receive("1", sender=JULIE)
        self.assertIn("No open lead is waiting for you", self._last_text_to(JULIE))

    def test_a_code_of_someone_elses_lead_is_refused(self):
        self._receive(f"#{self.lead._dealer_code()} 1", sender=JULIE)
        self.assertEqual(self.lead.user_id, self.sales_1)
        self.assertIn("No lead of yours has the code", self._last_text_to(JULIE))


@tagged("post_install", "-at_install")
class TestStaffRelay(DealerStaffCommandCommon):
    """Any other text of the holder goes to the customer from the dealer's number."""

    def test_text_of_the_holder_reaches_the_customer_from_the_dealer(self):
        self._alert(self.lead, self.sales_1)
        self._receive("Bonjour Sophie, je vous appelle à 14 h 30.", sender=MARC)
        self._run_queues()
        [request] = [r for r in self.twilio_requests if r["To"] == CUSTOMER]
        self.assertEqual(request["From"], DEALER_NUMBER)
        self.assertTrue(request["Body"].startswith("Bonjour Sophie, je vous appelle à 14 h 30."))
        self.assertNotIn(MARC, str(request))
        sms_messages = self.lead.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertNotIn(MARC, str(sms_messages.mapped("body")))

    def test_relayed_text_is_posted_as_the_salesperson_and_answers_the_lead(self):
        self._alert(self.lead, self.sales_1)
        self._receive("Je vous appelle dans 5 minutes.", sender=MARC)
        [sms] = self._texts_to(CUSTOMER)
        self.assertEqual(sms.dealer_purpose, "sales")
        self.assertEqual(sms.mail_message_id.author_id, self.sales_1.partner_id)
        self._run_queues()
        self.assertTrue(self.lead.dealer_first_response_at)

    def test_opted_out_customer_gets_nothing_and_the_salesperson_is_told(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        self._alert(self.lead, self.sales_1)
        self._receive("Toujours intéressée?", sender=MARC)
        self.assertFalse(self._texts_to(CUSTOMER))
        self.assertIn("has opted out of texts", self._last_text_to(MARC))

    def test_customer_without_consent_gets_nothing(self):
        self.env["dealer.consent"]._dealer_record("withdrawn", ["sales"], phone=CUSTOMER,
                                                  source="test")
        self._alert(self.lead, self.sales_1)
        self._receive("Toujours intéressée?", sender=MARC)
        self.assertFalse(self._texts_to(CUSTOMER))
        self.assertIn("has not agreed to texts", self._last_text_to(MARC))

    def test_someone_who_does_not_hold_the_lead_cannot_write_to_the_customer(self):
        self._alert(self.lead, self.sales_1 | self.sales_2)
        self._receive(f"#{self.lead._dealer_code()} Bonjour!", sender=JULIE)
        self.assertFalse(self._texts_to(CUSTOMER))
        self.assertIn("is held by Marc Gagnon", self._last_text_to(JULIE))

    def test_customer_answer_comes_back_tagged_with_the_code(self):
        self._receive("Oui, 14 h 30 c'est parfait.")
        self.assertEqual(self._last_text_to(MARC), f"#{self.lead._dealer_code()} Text from "
                         "Sophie Tremblay: Oui, 14 h 30 c'est parfait.")


@tagged("post_install", "-at_install")
class TestStaffClaimRace(TransactionCase):
    """Two phones answer "1" to the same lead at the same moment, each on its own database
    connection as two Odoo workers would: one wins, the other is told it is too late.

    The data is committed (other connections cannot see a test's transaction) and removed at
    the end.
    """

    PHONES = ("+15145550181", "+15145550182")

    def _real_env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _setup_committed(self):
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._real_env(cr)
            group = env.ref("dealer_lead_addon.group_dealer_lead_salesperson")
            suffix = uuid.uuid4().hex[:8]
            users = env["res.users"].with_context(no_reset_password=True).create([{
                "name": f"Race {index}", "login": f"race{index}-{suffix}",
                "group_ids": [(6, 0, group.ids)], "dealer_alert_mobile": phone,
            } for index, phone in enumerate(self.PHONES)])
            team = env["crm.team"].create({"name": f"Race {suffix}", "crm_team_member_ids": [
                (0, 0, {"user_id": user.id}) for user in users]})
            lead = env["crm.lead"].with_context(dealer_intake_skip=True).create({
                "name": "Race", "contact_name": "Race", "phone": "+15145550183",
                "team_id": team.id, "user_id": False})
            env["dealer.staff.alert"]._alert(
                lead, users, _lt("Lead for you: %(customer)s", customer="Race"),
                kind="new_lead")
            # the race needs data other connections see; removed by _cleanup
            cr.commit()  # pylint: disable=invalid-commit
            return users.ids, team.id, lead.id

    def _cleanup(self, user_ids, team_id, lead_id):
        with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._real_env(cr)
            env["dealer.sms.inbound"].search([("from_number", "in", self.PHONES)]).unlink()
            env["sms.sms"].search([("number", "in", self.PHONES)]).unlink()
            env["crm.lead"].browse(lead_id).unlink()
            env["crm.team"].browse(team_id).unlink()
            env["res.users"].browse(user_ids).write({"active": False,
                                                     "dealer_alert_mobile": False})
            cr.commit()  # pylint: disable=invalid-commit

    @staticmethod
    def _claim_from(env, phone, barrier):
        """What the webhook worker does for a "1" from ``phone``, retried on a serialization
        failure as Odoo retries a request; returns the text answered to the phone."""

        def receive():
            Inbound = env["dealer.sms.inbound"]
            params = {"MessageSid": new_sid(), "From": phone, "To": "+14385550100",
                      "Body": "1", "AccountSid": "ACrace"}
            inbound, _new = Inbound._dealer_receive(params, env.company)
            inbound._dealer_process()
            return inbound.reason

        barrier.wait(timeout=30)
        # Odoo's request retry (``odoo.service.model.retrying``) without its registry
        # signalling, which a test thread cannot do
        for _try in range(5):
            try:
                answer = receive()
                env.cr.commit()  # pylint: disable=invalid-commit
                return answer
            except CONCURRENCY_ERRORS:
                env.cr.rollback()
        raise AssertionError("the claim never went through")

    def test_two_phones_claim_at_once_one_wins(self):
        user_ids, team_id, lead_id = self._setup_committed()
        try:
            barrier = threading.Barrier(2)
            # one connection per phone, as two workers; environments are made here (the
            # registry cannot be looked up from another thread while tests run)
            with contextlib.ExitStack() as stack:
                envs = [self._real_env(stack.enter_context(
                    sql_db.db_connect(self.env.cr.dbname).cursor())) for _phone in self.PHONES]
                # the loser's serialization failure is logged as Odoo logs it in production
                with ThreadPoolExecutor(2) as pool, mute_logger("odoo.sql_db"):
                    answers = list(pool.map(
                        lambda env, phone: self._claim_from(env, phone, barrier),
                        envs, self.PHONES))
            with sql_db.db_connect(self.env.cr.dbname).cursor() as cr:
                holder = self._real_env(cr)["crm.lead"].browse(lead_id).user_id.id
            self.assertIn(holder, user_ids)
            winner = user_ids.index(holder)
            self.assertIn("is yours", answers[winner])
            self.assertIn("Too late", answers[1 - winner])
        finally:
            self._cleanup(user_ids, team_id, lead_id)
