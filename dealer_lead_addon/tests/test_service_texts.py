from datetime import datetime, timedelta

from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_service import APPOINTMENT, ENGLISH_CUSTOMER, DealerServiceCommon
from .common_texting import CUSTOMER


@tagged("post_install", "-at_install")
class TestServiceAppointmentTexts(DealerServiceCommon):
    """Confirmation when booked, reminders before, in the customer's language, never twice."""

    def test_booking_is_confirmed_by_text_in_french(self):
        self._booked()
        text = self._service_texts()
        self.assertEqual(len(text), 1)
        self.assertIn("jeudi 26 nov. à 10 h", text.body)
        self.assertIn("Répondez C pour confirmer ou R pour changer l'heure", text.body)

    def test_booking_is_confirmed_by_text_in_english(self):
        self._booked(self.john)
        text = self._service_texts(ENGLISH_CUSTOMER)
        self.assertIn("Thu Nov 26 at 10 AM", text.body)
        self.assertIn("Reply C to confirm", text.body)

    def test_team_can_turn_the_confirmation_off(self):
        self.service_team.send_confirmation = False
        self._booked()
        self.assertFalse(self._service_texts())

    def test_reminders_24h_and_2h_before(self):
        visit = self._booked()
        self._run_reminders(self._before(24))
        self._run_reminders(self._before(2))
        reminders = visit.text_ids.filtered(lambda text: text.kind == "reminder")
        self.assertEqual(sorted(reminders.mapped("offset_hours")), [2.0, 24.0])
        self.assertEqual(visit.reminder_timing, "24h+2h")
        self.assertIn("Rappel", self._service_texts()[-1].body)

    def test_a_reminder_is_never_sent_twice(self):
        self._booked()
        for minutes in (0, 5, 30):
            self._run_reminders(self._before(24, -minutes))
        self.assertEqual(len(self._service_texts()), 2)  # confirmation + one reminder

    def test_the_reminder_claim_holds_against_a_second_worker(self):
        visit = self._booked()
        with self._frozen(self._before(24)):
            first = visit._dealer_service_text("reminder", "slot/24h", 24)
            second = visit._dealer_service_text("reminder", "slot/24h", 24)
        self.assertTrue(first)
        self.assertIsNone(second)

    def test_a_late_booking_gets_only_the_reminder_of_its_window(self):
        with self._frozen(self._before(3)):
            visit = self._visit()
        self._run_reminders(self._before(3))
        self._run_reminders(self._before(2))
        self.assertEqual(visit.reminder_timing, "2h")

    def test_booking_wakes_the_reminder_cron_at_each_reminder(self):
        cron = self.env.ref("dealer_lead_addon.ir_cron_dealer_service_reminders")
        self._booked()
        moments = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).mapped(
            "call_at")
        self.assertIn(self._before(24), moments)
        self.assertIn(self._before(2), moments)

    def test_reminders_per_team(self):
        self.service_team.reminder_hours = "48"
        visit = self._booked(appointment=APPOINTMENT + timedelta(days=3))
        self._run_reminders(APPOINTMENT + timedelta(days=1))
        self.assertEqual(visit.reminder_timing, "48h")

    def test_rescheduled_visit_gets_new_confirmation_and_reminders(self):
        visit = self._booked()
        self._run_reminders(self._before(24))
        new_time = APPOINTMENT + timedelta(days=1)
        with self._frozen(self._before(23)):
            visit.appointment_at = new_time
        self._run_reminders(new_time - timedelta(hours=24))
        kinds = visit.text_ids.sorted("id").mapped("kind")
        self.assertEqual(kinds, ["confirmation", "reminder", "confirmation", "reminder"])
        self.assertEqual(visit.reminder_timing, "24h")

    def test_no_reminder_for_a_cancelled_visit(self):
        visit = self._booked()
        visit.action_cancel()
        self._run_reminders(self._before(24))
        self.assertNotIn("reminder", visit.text_ids.mapped("kind"))

    def test_reminders_wait_out_the_quiet_hours(self):
        self.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})
        # 08:30 appointment in Montreal: the 2-hour reminder is due at 06:30
        early = datetime(2026, 11, 26, 13, 30)
        visit = self._booked(appointment=early)
        due = early - timedelta(hours=2)
        self._run_reminders(due)
        with self._frozen(due):
            self._run_queues()
        reminder = visit.text_ids.filtered(lambda text: text.kind == "reminder").sms_id
        self.assertEqual(reminder.dealer_not_before, datetime(2026, 11, 26, 13, 0))
        self.assertNotIn(reminder.body, self._twilio_bodies_to(CUSTOMER))

    def test_service_texts_are_service_purpose_and_sent(self):
        self._booked()
        with self._frozen(OPEN_NOW):
            self._run_queues()
        self.assertEqual(len(self._twilio_bodies_to(CUSTOMER)), 1)


@tagged("post_install", "-at_install")
class TestServiceStatusTexts(DealerServiceCommon):
    """Each status texts the customer; the welcome at check-in follows myKaarma's rules."""

    def test_ready_is_texted_in_the_customers_language(self):
        french, english = self._booked(), self._booked(self.john)
        (french | english).action_check_in()
        (french | english).action_ready()
        self.assertIn("est prêt", self._service_texts()[-1].body)
        self.assertIn("is ready", self._service_texts(ENGLISH_CUSTOMER)[-1].body)

    def test_each_status_has_its_text(self):
        visit = self._booked()
        for status in ("waiting_approval", "parts_on_order", "ready", "picked_up"):
            visit.status = status
        self.assertEqual(visit.text_ids.sorted("id").mapped("kind"), [
            "confirmation", "waiting_approval", "parts_on_order", "ready", "picked_up"])

    def test_team_can_turn_status_texts_off(self):
        self.service_team.send_status_texts = False
        visit = self._booked()
        visit.action_ready()
        self.assertNotIn("ready", visit.text_ids.mapped("kind"))

    def test_an_emptied_template_stops_that_text(self):
        self.env.ref("dealer_lead_addon.sms_template_service_ready_fr").body = ""
        visit = self._booked()
        visit.action_ready()
        self.assertNotIn("ready", visit.text_ids.mapped("kind"))

    def test_welcome_at_check_in(self):
        visit = self._booked()
        with self._frozen(APPOINTMENT):
            visit.action_check_in()
        welcome = self._service_texts()[-1]
        self.assertIn("Bienvenue", welcome.body)
        self.assertIn("Julie Roy", welcome.body)

    def test_no_second_welcome_within_seven_days(self):
        first, second, third = self._booked(), self._booked(), self._booked()
        with self._frozen(APPOINTMENT):
            first.action_check_in()
        with self._frozen(APPOINTMENT + timedelta(days=3)):
            second.action_check_in()
        with self._frozen(APPOINTMENT + timedelta(days=8)):
            third.action_check_in()
        welcomes = self.env["dealer.service.text"].search(
            [("partner_id", "=", self.sophie.id), ("kind", "=", "welcome")])
        self.assertEqual(welcomes.visit_id, first | third)

    def test_no_welcome_outside_the_texting_window(self):
        self.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})
        visit = self._booked()
        with self._frozen(datetime(2026, 11, 26, 3, 0)):  # 22:00 in Montreal
            visit.action_check_in()
        self.assertNotIn("welcome", visit.text_ids.mapped("kind"))
        self.assertTrue(any("texting window" in message.body for message in visit.message_ids))

    def test_no_show_is_recorded_and_texted(self):
        visit = self._booked()
        visit.action_no_show()
        self.assertEqual(visit.status, "no_show")
        self.assertIn("Nous vous avons manqué", self._service_texts()[-1].body)
