from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_service import APPOINTMENT, DealerServiceCommon


@tagged("post_install", "-at_install")
class TestServiceVisit(DealerServiceCommon):
    """A visit: customer, vehicle, advisor, appointment, repair order and status."""

    def test_appointment_is_an_event_in_the_advisors_calendar(self):
        visit = self._booked()
        event = visit.event_id
        self.assertEqual(event.start, APPOINTMENT)
        self.assertEqual(event.user_id, self.advisor)
        self.assertEqual(event.partner_ids, self.sophie | self.advisor.partner_id)

    def test_moving_the_appointment_moves_the_event(self):
        visit = self._booked()
        visit.appointment_at = "2026-11-27 14:00:00"
        self.assertEqual(str(visit.event_id.start), "2026-11-27 14:00:00")

    def test_cancelling_archives_the_event(self):
        visit = self._booked()
        visit.action_cancel()
        self.assertFalse(visit.event_id.active)

    def test_vehicle_keeps_its_service_history(self):
        first = self._booked(ro_number="RO-1")
        second = self._booked(ro_number="RO-2")
        self.assertEqual(self.rav4.visit_ids, first | second)
        self.assertEqual(self.rav4.visit_count, 2)
        self.assertEqual(self.rav4.display_name, "2021 Toyota RAV4")

    def test_status_timestamps(self):
        visit = self._booked()
        with self._frozen(APPOINTMENT):
            visit.action_check_in()
        self.assertEqual(visit.checked_in_at, APPOINTMENT)
        visit.action_ready()
        visit.action_picked_up()
        self.assertTrue(visit.closed_at)

    def test_every_status_is_a_kanban_column(self):
        Visit = self.env["dealer.service.visit"].with_context(read_group_expand=True)
        groups = Visit.web_read_group([], ["status"], ["__count"])["groups"]
        self.assertEqual([group["status"] for group in groups], [
            "booked", "confirmed", "checked_in", "waiting_approval", "parts_on_order",
            "ready", "picked_up", "cancelled", "no_show"])

    def test_reminder_hours_are_checked(self):
        with self.assertRaises(ValidationError):
            self.service_team.reminder_hours = "24, demain"
