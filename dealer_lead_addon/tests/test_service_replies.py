from datetime import date, datetime

from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_service import ADVISOR_MOBILE, ENGLISH_CUSTOMER, DealerServiceCommon
from .common_texting import CUSTOMER

# Tuesday 2026-11-24 10:00 in Montreal
TODAY = date(2026, 11, 24)


@tagged("post_install", "-at_install")
class TestServiceReplies(DealerServiceCommon):
    """A customer's answer to an appointment text, in French and English."""

    def _reply(self, body, sender=CUSTOMER):
        with self._frozen(OPEN_NOW):
            return self._receive(body, sender=sender)

    def _assert_confirms(self, body, partner, number):
        visit = self._booked(partner)
        inbound = self._reply(body, number)
        self.assertEqual((inbound.state, inbound.service_visit_id), ("service", visit))
        self.assertEqual(visit.status, "confirmed", body)
        self.assertEqual(visit.confirmed_at, OPEN_NOW)
        self.assertEqual(visit.text_ids.sorted("id")[-1].kind, "confirmed")

    def test_c_confirms(self):
        self._assert_confirms("C", self.sophie, CUSTOMER)

    def test_oui_confirms(self):
        self._assert_confirms("OUI", self.sophie, CUSTOMER)

    def test_oui_merci_confirms(self):
        self._assert_confirms("Oui merci!", self.sophie, CUSTOMER)

    def test_yes_confirms(self):
        self._assert_confirms("YES", self.john, ENGLISH_CUSTOMER)

    def test_confirmation_ack_follows_the_customers_language(self):
        self._booked(self.john)
        self._reply("yes", ENGLISH_CUSTOMER)
        self.assertIn("is confirmed", self._service_texts(ENGLISH_CUSTOMER)[-1].body)

    def _assert_reschedule(self, body, partner, number):
        visit = self._booked(partner)
        self._reply(body, number)
        self.assertTrue(visit.reschedule_requested, body)
        self.assertEqual(visit.status, "booked")
        activity = visit.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual((activity.user_id, activity.summary),
                         (self.advisor, "Reschedule the appointment"))
        self.assertIn("another time", self._texts_to(ADVISOR_MOBILE)[-1].body)
        self.assertEqual(visit.text_ids.sorted("id")[-1].kind, "reschedule")

    def test_r_asks_for_another_time(self):
        self._assert_reschedule("R", self.sophie, CUSTOMER)

    def test_changer_asks_for_another_time(self):
        self._assert_reschedule("Je dois changer l'heure", self.sophie, CUSTOMER)

    def test_reschedule_asks_for_another_time(self):
        self._assert_reschedule("reschedule", self.john, ENGLISH_CUSTOMER)

    def test_can_we_reschedule_asks_for_another_time(self):
        self._assert_reschedule("Can we reschedule please?", self.john, ENGLISH_CUSTOMER)

    def test_annuler_cancels(self):
        visit = self._booked()
        self._reply("ANNULER")
        self.assertEqual(visit.status, "cancelled")
        self.assertIn("annulé", self._service_texts()[-1].body)
        self.assertIn("cancelled", self._texts_to(ADVISOR_MOBILE)[-1].body)

    def test_cancel_my_appointment_cancels(self):
        visit = self._booked(self.john)
        self._reply("please cancel my appointment", ENGLISH_CUSTOMER)
        self.assertEqual(visit.status, "cancelled")
        self.assertFalse(self._blacklisted(ENGLISH_CUSTOMER))

    def test_cancel_alone_cancels_and_the_carrier_opt_out_stands(self):
        visit = self._booked(self.john)
        inbound = self._reply("CANCEL", ENGLISH_CUSTOMER)
        self.assertEqual(visit.status, "cancelled")
        self.assertEqual(inbound.service_visit_id, visit)
        self.assertTrue(self._blacklisted(ENGLISH_CUSTOMER))

    def test_reply_lands_on_the_visit_and_notifies_the_advisor(self):
        visit = self._booked()
        inbound = self._reply("Est-ce que je peux attendre sur place?")
        message = inbound.posted_message_id
        self.assertEqual((message.model, message.res_id), (visit._name, visit.id))
        self.assertEqual(message.author_id, self.sophie)
        self.assertIn(self.advisor.partner_id, message.partner_ids)
        self.assertIn("attendre sur place", self._texts_to(ADVISOR_MOBILE)[-1].body)

    def test_open_visit_wins_over_the_sales_lead(self):
        visit = self._booked()
        inbound = self._reply("Bonjour")
        self.assertFalse(inbound.lead_id)
        self.assertEqual(inbound.service_visit_id, visit)

    def test_closed_visit_leaves_texts_to_sales(self):
        self._booked().action_cancel()
        inbound = self._reply("Bonjour")
        self.assertEqual(inbound.lead_id, self.customer_lead)

    def test_confirming_twice_changes_nothing(self):
        visit = self._booked()
        self._reply("C")
        self._reply("C")
        self.assertEqual(visit.text_ids.mapped("kind").count("confirmed"), 1)

    def _callback(self, body, number=CUSTOMER, partner=None):
        visit = self._booked(partner or self.sophie)
        self._reply(body, number)
        return visit.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))

    def test_appelez_moi_a_15_h_is_a_call_at_15_h(self):
        self.advisor.lang = "fr_CA"
        activity = self._callback("Appelez-moi à 15 h svp")
        self.assertEqual((activity.user_id, activity.date_deadline), (self.advisor, TODAY))
        self.assertEqual(activity.summary, "Rappeler à 15 h")  # in the advisor's French

    def test_call_me_back_at_3pm_is_a_call_at_3_pm(self):
        activity = self._callback("call me back at 3pm", ENGLISH_CUSTOMER, self.john)
        self.assertEqual(activity.summary, "Call back at 3 PM")

    def test_rappelle_moi_demain_matin_is_a_call_tomorrow_morning(self):
        activity = self._callback("rappelle-moi demain matin")
        self.assertEqual(activity.date_deadline, date(2026, 11, 25))
        self.assertEqual(activity.summary, "Call back in the morning")

    def test_an_ambiguous_hour_is_left_to_the_advisor(self):
        activity = self._callback("appelez-moi à 3 h")
        self.assertEqual(activity.summary, "Call back: time to confirm with the customer")
        self.assertEqual(activity.note and "appelez-moi" in activity.note, True)

    def test_an_hour_already_past_is_not_guessed(self):
        visit = self._booked()
        with self._frozen(datetime(2026, 11, 24, 21, 0)):  # 16:00 in Montreal
            self._receive("call me at 3pm")
        call = visit.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(call.summary, "Call back: time to confirm with the customer")
