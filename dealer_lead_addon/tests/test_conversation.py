from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_texting import CUSTOMER, STRANGER, DealerTextingCommon
from .test_realtime_bus import BusInspection

# Tuesday 10:00 in Montreal: no quiet hours
DAY = datetime(2026, 11, 24, 15, 0)


class DealerConversationCommon(BusInspection, DealerTextingCommon):
    """Sophie (French, CUSTOMER) has two leads; a stranger has one. Sophie inquired the day
    before, so a salesperson may text her (implied consent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True)
        cls.second_lead = Lead.create({
            "name": "Tucson 2024 - Sophie Tremblay", "contact_name": "Sophie Tremblay",
            "phone": "514 555-0123", "team_id": cls.team.id, "user_id": cls.sales_1.id,
        })
        cls.stranger_lead = Lead.create({
            "name": "Civic - Paul Smith", "contact_name": "Paul Smith", "phone": STRANGER,
            "team_id": cls.team.id, "user_id": cls.sales_1.id,
            "lang_id": cls.env["res.lang"]._activate_lang("en_US").id,
        })
        for lead in (cls.customer_lead, cls.stranger_lead):
            cls.env["dealer.consent"]._dealer_record(
                "implied_inquiry", ["sales"], phone=lead.phone_sanitized, lead=lead,
                source="inquiry", at=DAY - timedelta(days=1))

    def setUp(self):
        super().setUp()
        frozen = self._frozen(DAY)
        frozen.__enter__()
        self.addCleanup(frozen.__exit__, None, None, None)

    def _thread(self, lead, user=None):
        lead = lead.with_user(user or self.sales_1)
        return lead.dealer_conversation_data()

    def _texts(self, lead, user=None):
        return [(m["direction"], m["body"]) for m in self._thread(lead, user)["messages"]]


@tagged("post_install", "-at_install")
class TestConversationThread(DealerConversationCommon):
    """The thread: every text with the customer across their leads, each outbound one with
    what the provider last said about it."""

    def test_thread_spans_the_customers_leads_and_no_one_elses(self):
        self._receive("Est-il encore disponible?")
        self.second_lead.with_user(self.sales_1).dealer_conversation_send("Oui, venez l'essayer.")
        self.stranger_lead.with_user(self.sales_1).dealer_conversation_send("Hi Paul")
        self.assertEqual(self._texts(self.customer_lead), [
            ("in", "Est-il encore disponible?"), ("out", "Oui, venez l'essayer.")])
        data = self._thread(self.customer_lead)
        self.assertEqual(set(data["lead_ids"]), {self.customer_lead.id, self.second_lead.id})
        self.assertEqual(self._texts(self.stranger_lead), [("out", "Hi Paul")])

    def test_a_lead_the_salesperson_may_not_read_is_left_out(self):
        self.second_lead.user_id = self.sales_2  # Julie's: Marc's rights do not reach it
        self.second_lead.with_user(self.sales_2).dealer_conversation_send("Bonjour, ici Julie")
        self.assertEqual(self._thread(self.customer_lead)["lead_ids"], [self.customer_lead.id])
        self.assertEqual(self._texts(self.customer_lead), [])
        self.assertEqual(self._texts(self.customer_lead, self.env.ref("base.user_admin")),
                         [("out", "Bonjour, ici Julie")])

    def test_service_visit_texts_are_in_the_thread(self):
        partner = self.env["res.partner"].create({"name": "Sophie Tremblay", "phone": CUSTOMER})
        self.customer_lead.partner_id = partner
        visit = self.env["dealer.service.visit"].create({"partner_id": partner.id})
        visit._message_sms("Votre véhicule est prêt.", partner_ids=partner.ids,
                           put_in_queue=True)
        message = self._thread(self.customer_lead)["messages"][-1]
        self.assertEqual((message["direction"], message["body"], message["record_model"]),
                         ("out", "Votre véhicule est prêt.", "dealer.service.visit"))

    def test_customer_text_is_on_the_left_written_by_the_customer(self):
        self._receive("Bonjour")
        message = self._thread(self.customer_lead)["messages"][0]
        self.assertEqual((message["direction"], message["status"]), ("in", ""))

    def test_outbound_text_reads_queued_then_sent_then_delivered(self):
        lead = self.customer_lead.with_user(self.sales_1)
        lead.dealer_conversation_send("Bonjour Sophie")
        self.assertEqual(self._thread(lead)["messages"][-1]["status"], "queued")
        self._run_queues()
        self.assertEqual(self._twilio_bodies_to(CUSTOMER), ["Bonjour Sophie"])
        self.assertEqual(self._thread(lead)["messages"][-1]["status"], "sent")
        tracker = self.env["sms.tracker"].sudo().search(
            [("mail_notification_id.mail_message_id.res_id", "=", lead.id)])
        tracker._action_update_from_sms_state("sent")
        self.assertEqual(self._thread(lead)["messages"][-1]["status"], "delivered")

    def test_failed_text_says_failed_and_why(self):
        sms = self.env["dealer.conversation"].with_user(self.sales_1)._dealer_send(
            self.customer_lead.with_user(self.sales_1), "Bonjour")
        sms.sudo()._update_sms_state_and_trackers("error", failure_type="sms_server")
        message = self._thread(self.customer_lead)["messages"][-1]
        self.assertEqual(message["status"], "failed")
        self.assertTrue(message["reason"])

    def test_text_the_guard_cancels_reads_not_sent(self):
        lead = self.customer_lead.with_user(self.sales_1)
        lead.dealer_conversation_send("Bonjour")
        # the customer texts STOP before the queue runs: the guard cancels the text
        self.env["phone.blacklist"].sudo()._add([CUSTOMER])
        self._run_queues()
        self.assertEqual(self._twilio_bodies_to(CUSTOMER), [])
        message = self._thread(lead)["messages"][-1]
        self.assertEqual(message["status"], "canceled")


@tagged("post_install", "-at_install")
class TestConversationComposer(DealerConversationCommon):
    """The composer sends as the salesperson through the one outbound door."""

    def test_text_leaves_as_a_sales_text_written_by_the_salesperson(self):
        sms = self.env["dealer.conversation"].with_user(self.sales_1)._dealer_send(
            self.customer_lead.with_user(self.sales_1), "Bonjour Sophie")
        self.assertEqual((sms.dealer_purpose, sms.dealer_automated, sms.number),
                         ("sales", False, CUSTOMER))
        self.assertEqual(sms.mail_message_id.author_id, self.sales_1.partner_id)

    def test_opted_out_customer_is_refused(self):
        self.env["phone.blacklist"].sudo()._add([CUSTOMER])
        data = self._thread(self.customer_lead)
        self.assertTrue(data["refusal"])
        with self.assertRaises(UserError):
            self.customer_lead.with_user(self.sales_1).dealer_conversation_send("Bonjour")
        self.assertFalse(self._texts_to(CUSTOMER))

    def test_customer_without_consent_is_refused(self):
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Sans consentement", "phone": "+15145550177", "team_id": self.team.id,
            "user_id": self.sales_1.id})
        with self.assertRaises(UserError):
            lead.with_user(self.sales_1).dealer_conversation_send("Bonjour")
        self.assertFalse(self._texts_to("+15145550177"))

    def test_empty_text_is_refused(self):
        with self.assertRaises(UserError):
            self.customer_lead.with_user(self.sales_1).dealer_conversation_send("   ")

    def test_open_conversations_hear_of_a_new_text(self):
        self._receive("Bonjour")  # posted on Sophie's most recent lead
        self.assertIn({"lead_id": self.second_lead.id},
                      self._bus(self.sales_1, "dealer_lead/conversation"))

    def test_open_conversations_hear_of_a_status_change(self):
        self.customer_lead.with_user(self.sales_1).dealer_conversation_send("Bonjour")
        self._bus_flush()
        self.bus_mark = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id
        self._run_queues()
        self.assertIn({"lead_id": self.customer_lead.id},
                      self._bus(self.sales_1, "dealer_lead/conversation"))

    def test_action_opens_the_conversation_of_the_lead(self):
        action = self.customer_lead.with_user(self.sales_1).action_dealer_conversation()
        self.assertEqual((action["tag"], action["params"]),
                         ("dealer_lead_conversation", {"lead_id": self.customer_lead.id}))


@tagged("post_install", "-at_install")
class TestQuickReplies(DealerConversationCommon):
    """Quick replies: the team's canned texts, in the customer's language, filled in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dealer.quick.reply"].search([]).active = False
        Reply = cls.env["dealer.quick.reply"]
        cls.reply_fr = Reply.create({"name": "Dispo", "lang": "fr", "body":
                                     "Bonjour {first_name}, ici {salesperson}. {unknown}"})
        cls.reply_en = Reply.create({"name": "Available", "lang": "en",
                                     "body": "Hi {first_name}, this is {salesperson}."})
        other_team = cls.env["crm.team"].create({"name": "Occasion"})
        cls.reply_other_team = Reply.create({"name": "Autre", "lang": "fr", "body": "Autre",
                                             "team_id": other_team.id})

    def _replies(self, lead):
        return [(r["name"], r["body"]) for r in self._thread(lead)["quick_replies"]]

    def test_french_customer_gets_french_replies_filled_in(self):
        self.assertEqual(self._replies(self.customer_lead), [
            ("Dispo", "Bonjour Sophie, ici Marc Gagnon. {unknown}")])

    def test_english_customer_gets_english_replies(self):
        self.assertEqual(self._replies(self.stranger_lead), [
            ("Available", "Hi Paul, this is Marc Gagnon.")])

    def test_salesperson_cannot_edit_replies(self):
        with self.assertRaises(AccessError):
            self.reply_fr.with_user(self.sales_1).write({"body": "Autre chose"})
