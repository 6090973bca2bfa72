from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.base.models.ir_cron import IrCron
from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend
from odoo.addons.dealer_lead_addon.tools.quiet_hours import is_allowed, next_allowed

from .common_texting import CUSTOMER, DealerTextingCommon

MONTREAL = "America/Toronto"
VANCOUVER = "America/Vancouver"
# Monday 2026-11-23, 22:30 in Montreal (EST, UTC-5)
MONTREAL_2230 = datetime(2026, 11, 24, 3, 30)
# the next allowed minute: Tuesday 08:00 in Montreal
MONTREAL_NEXT_8AM = datetime(2026, 11, 24, 13, 0)
VANCOUVER_CUSTOMER = "+16045550142"


@tagged("post_install", "-at_install")
class TestQuietHoursClock(DealerTextingCommon):
    """The allowed window in the recipient's local time, across midnight and DST."""

    def test_inside_the_window_a_text_leaves_now(self):
        at = datetime(2026, 11, 24, 15, 0)  # 10:00 in Montreal
        self.assertEqual(next_allowed(at, [MONTREAL]), at)

    def test_late_evening_waits_for_eight_the_next_morning(self):
        self.assertEqual(next_allowed(MONTREAL_2230, [MONTREAL]), MONTREAL_NEXT_8AM)

    def test_after_midnight_waits_for_eight_the_same_morning(self):
        at = datetime(2026, 11, 24, 6, 15)  # 01:15 in Montreal
        self.assertEqual(next_allowed(at, [MONTREAL]), MONTREAL_NEXT_8AM)

    def test_nine_pm_sharp_is_already_quiet(self):
        at = datetime(2026, 11, 24, 2, 0)  # 21:00 in Montreal
        self.assertFalse(is_allowed(at, [MONTREAL]))
        self.assertTrue(is_allowed(datetime(2026, 11, 24, 1, 59), [MONTREAL]))

    def test_eight_am_is_computed_in_summer_time_before_the_autumn_change(self):
        # Saturday 2026-10-31 22:30 EDT (UTC-4); clocks go back at 02:00 on Sunday
        at = datetime(2026, 11, 1, 2, 30)
        self.assertEqual(next_allowed(at, [MONTREAL]), datetime(2026, 11, 1, 13, 0),
                         "Sunday 08:00 is in EST (UTC-5) after the change")

    def test_eight_am_is_computed_in_summer_time_after_the_spring_change(self):
        # Saturday 2027-03-13 23:00 EST; clocks go forward at 02:00 on Sunday
        at = datetime(2027, 3, 14, 4, 0)
        self.assertEqual(next_allowed(at, [MONTREAL]), datetime(2027, 3, 14, 12, 0),
                         "Sunday 08:00 is in EDT (UTC-4) after the change")

    def test_the_stricter_of_two_zones_wins(self):
        # 22:30 in Montreal is 19:30 in Vancouver: Montreal's rule holds the text; at 08:00
        # in Montreal it is 05:00 in Vancouver, so the text waits for 08:00 in Vancouver
        self.assertEqual(next_allowed(MONTREAL_2230, [MONTREAL, VANCOUVER]),
                         datetime(2026, 11, 24, 16, 0))

    def test_custom_window_is_honoured(self):
        at = datetime(2026, 11, 24, 13, 30)  # 08:30 in Montreal
        self.assertEqual(next_allowed(at, [MONTREAL], start=9.5, end=20.0),
                         datetime(2026, 11, 24, 14, 30))

    def test_unknown_zone_is_ignored(self):
        self.assertEqual(next_allowed(MONTREAL_2230, [MONTREAL, "Mars/Olympus"]),
                         MONTREAL_NEXT_8AM)


@tagged("post_install", "-at_install")
class TestQuietHoursGuard(DealerTextingCommon):
    """Texts are held, not dropped, at the lowest layer, whatever created them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})
        # texts created outside the addon are sales texts: they need consent, then wait
        cls.env["dealer.consent"]._dealer_record(
            "express", ["sales"], phone=CUSTOMER, source="test", at=datetime(2026, 1, 1))
        cls.env["dealer.consent"]._dealer_record(
            "express", ["sales"], phone=VANCOUVER_CUSTOMER, source="test",
            at=datetime(2026, 1, 1))

    @staticmethod
    def _no_commit():
        return patch.object(IrCron, "_commit_progress", lambda self, *a, **k: float("inf"))

    def _night_text(self, number=CUSTOMER, purpose=None, urgent=False, **vals):
        """A text; with a purpose, as the addon's code creates it."""
        SmsSudo = self.env["sms.sms"].sudo()
        if purpose or urgent:
            SmsSudo = SmsSudo.with_context(dealer_send=DealerSend(purpose or "sales", urgent))
        return SmsSudo.create({"number": number, "body": "Bonsoir", **vals})

    def test_night_text_is_held_until_eight_not_dropped(self):
        sms = self._night_text()
        with self._frozen(MONTREAL_2230):
            sms.send()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual((sms.state, sms.dealer_not_before), ("outgoing", MONTREAL_NEXT_8AM))

    def test_text_held_across_the_autumn_clock_change_leaves_at_eight_standard_time(self):
        sms = self._night_text()
        with self._frozen(datetime(2026, 11, 1, 2, 30)):  # Saturday 22:30 EDT
            sms.send()
        self.assertEqual(sms.dealer_not_before, datetime(2026, 11, 1, 13, 0), "08:00 EST")

    def test_text_held_across_the_spring_clock_change_leaves_at_eight_summer_time(self):
        sms = self._night_text()
        with self._frozen(datetime(2027, 3, 14, 4, 0)):  # Saturday 23:00 EST
            sms.send()
        self.assertEqual(sms.dealer_not_before, datetime(2027, 3, 14, 12, 0), "08:00 EDT")

    def test_held_text_wakes_the_queue_cron_at_the_allowed_minute(self):
        sms = self._night_text()
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action")
        with self._frozen(MONTREAL_2230):
            sms.send()
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(MONTREAL_NEXT_8AM, triggers.mapped("call_at"))

    def test_queue_cron_skips_held_texts_until_their_time(self):
        sms = self._night_text()
        with self._frozen(MONTREAL_2230):
            sms.send()
        with self._frozen(datetime(2026, 11, 24, 12, 59)), self._no_commit():
            self.env["sms.sms"]._process_queue()
        self.assertEqual(self._sent_numbers(), [])
        with self._frozen(MONTREAL_NEXT_8AM), self._no_commit():
            self.env["sms.sms"]._process_queue()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_odoo_composer_text_is_held_too(self):
        with self._frozen(MONTREAL_2230):
            self.customer_lead._message_sms("Promo du soir", sms_numbers=[CUSTOMER],
                                            put_in_queue=False)
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(self._texts_to(CUSTOMER).dealer_not_before, MONTREAL_NEXT_8AM)

    def test_dealer_outbound_text_is_held_too(self):
        with self._frozen(MONTREAL_2230):
            self.env["dealer.outbound"]._send_sms(
                self.customer_lead, "Suivi", purpose="service", number=CUSTOMER)
            self._run_postcommit()
        self.assertEqual(self._sent_numbers(), [])

    def test_urgent_text_leaves_in_quiet_hours(self):
        sms = self._night_text(urgent=True)
        with self._frozen(MONTREAL_2230):
            sms.send()
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_staff_alert_leaves_in_quiet_hours(self):
        sms = self._night_text(number="+15145550101", purpose="staff")
        with self._frozen(MONTREAL_2230):
            sms.send()
            self._run_queues()
        self.assertEqual(len(self._sent_numbers()), 1)

    def test_vancouver_number_is_held_by_vancouver_time(self):
        # 23:30 in Montreal is 20:30 in Vancouver: allowed there
        at = datetime(2026, 11, 24, 4, 30)
        sms = self._night_text(number=VANCOUVER_CUSTOMER)
        with self._frozen(at):
            sms.send()
            self._run_queues()
        self.assertEqual(len(self._sent_numbers()), 1)

    def test_montreal_address_makes_a_vancouver_number_stricter(self):
        at = datetime(2026, 11, 24, 4, 30)  # 23:30 in Montreal, 20:30 in Vancouver
        partner = self.env["res.partner"].create({
            "name": "Client déménagé", "phone": VANCOUVER_CUSTOMER,
            "country_id": self.env.ref("base.ca").id,
            "state_id": self.env.ref("base.state_ca_qc").id})
        sms = self._night_text(number=VANCOUVER_CUSTOMER, partner_id=partner.id)
        with self._frozen(at):
            sms.send()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(sms.dealer_not_before, datetime(2026, 11, 24, 16, 0),
                         "08:00 in Vancouver, when it is 11:00 in Montreal")

    def test_company_window_is_configurable(self):
        self.env.company.write({"dealer_quiet_hour_start": 10.0, "dealer_quiet_hour_end": 18.0})
        sms = self._night_text()
        with self._frozen(datetime(2026, 11, 24, 14, 30)):  # 09:30
            sms.send()
        self.assertEqual(sms.dealer_not_before, datetime(2026, 11, 24, 15, 0))

    def _customer_texted_at(self, at):
        with self._frozen(at):
            self._receive("Êtes-vous encore ouverts?")
            self._run_queues()  # the salesperson's alert of the customer's text
        type(self).twilio_requests = []

    def test_reply_to_a_customer_who_just_texted_is_not_held(self):
        self._customer_texted_at(MONTREAL_2230)
        with self._frozen(datetime(2026, 11, 24, 3, 40)):  # ten minutes later
            self.customer_lead._message_sms("Oui, jusqu'à 23 h!", sms_numbers=[CUSTOMER],
                                            put_in_queue=False)
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_reply_long_after_the_customers_text_is_held(self):
        self._customer_texted_at(MONTREAL_2230)
        with self._frozen(datetime(2026, 11, 24, 4, 30)):  # an hour later
            self.customer_lead._message_sms("Toujours là?", sms_numbers=[CUSTOMER],
                                            put_in_queue=False)
        self.assertEqual(self._sent_numbers(), [])

    def test_promotion_to_a_customer_who_just_texted_is_still_held(self):
        self.env["dealer.consent"]._dealer_record("express", ["marketing"], phone=CUSTOMER,
                                                  source="test", at=datetime(2026, 1, 1))
        self._customer_texted_at(MONTREAL_2230)
        sms = self._night_text(purpose="marketing")
        with self._frozen(datetime(2026, 11, 24, 3, 40)):
            sms.send()
        self.assertEqual(self._sent_numbers(), [])

    def test_live_acknowledgement_is_not_held(self):
        lead = self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Nuit", "contact_name": "Noa", "phone": "+15145550166",
            "team_id": self.team.id, "dealer_ack_state": "pending"})
        lead.dealer_request_date = MONTREAL_2230
        with self._frozen(MONTREAL_2230):
            lead._dealer_ack_send()
            self._run_postcommit()
        self.assertEqual(self._sent_numbers(), ["+15145550166"])
