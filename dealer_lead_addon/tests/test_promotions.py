from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend

from .common_texting import CUSTOMER, DealerTextingCommon

ENGLISH = "+15145550177"
# a weekday at 10:00 in Montreal
MORNING = datetime(2026, 11, 10, 15, 0)


class DealerPromoCommon(DealerTextingCommon):
    """Text campaigns of Odoo's ``mass_mailing_sms`` on customers (``res.partner``): Sophie
    (French, express marketing consent) and John (English, express consent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.sophie = Partner.create({"name": "Sophie Tremblay", "phone": CUSTOMER,
                                     "lang": "fr_CA"})
        cls.env["res.lang"]._activate_lang("en_US")
        cls.john = Partner.create({"name": "John Smith", "phone": ENGLISH, "lang": "en_US"})
        cls.env["dealer.consent"]._dealer_record(
            "express", ["marketing"], phone=CUSTOMER, source="test", at=MORNING - timedelta(
                days=300))
        cls.env["dealer.consent"]._dealer_record(
            "express", ["marketing"], phone=ENGLISH, source="test", at=MORNING - timedelta(
                days=300))

    def _campaign(self, partners, body="Pneus d'hiver : 10 % sur la pose cette semaine."):
        return self.env["mailing.mailing"].create({
            "subject": "Pneus", "mailing_type": "sms", "body_plaintext": body,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr([("id", "in", partners.ids)]),
        })

    def _send_campaign(self, partners, **kwargs):
        mailing = self._campaign(partners, **kwargs)
        mailing.action_send_sms()
        self._run_queues()
        return mailing

    def _traces(self, mailing):
        return mailing.mailing_trace_ids.sorted("id")


@tagged("post_install", "-at_install")
class TestPromoOptOutNotice(DealerPromoCommon):
    """Every promotion says how to opt out, in the customer's language."""

    def test_french_promotion_ends_with_arret(self):
        with self._frozen(MORNING):
            self._send_campaign(self.sophie)
        self.assertEqual(self._twilio_bodies_to(CUSTOMER), [
            ("Pneus d'hiver : 10 % sur la pose cette semaine. "
             "Répondez ARRÊT pour vous désabonner.")])

    def test_english_promotion_ends_with_stop(self):
        with self._frozen(MORNING):
            self._send_campaign(self.john, body="Winter tires: 10% off this week.")
        self.assertEqual(self._twilio_bodies_to(ENGLISH), [
            "Winter tires: 10% off this week. Reply STOP to opt out."])

    def test_promotion_that_says_stop_already_is_not_doubled(self):
        with self._frozen(MORNING):
            self._send_campaign(self.sophie, body="Promo pneus. ARRÊT pour arrêter")
        self.assertEqual(self._twilio_bodies_to(CUSTOMER), ["Promo pneus. ARRÊT pour arrêter"])


@tagged("post_install", "-at_install")
class TestPromoCap(DealerPromoCommon):
    """At most 2 marketing texts per customer in 30 days (a setting), whatever sends them."""

    def test_third_campaign_in_30_days_is_canceled(self):
        with self._frozen(MORNING):
            self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(days=3)):
            self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(days=6)):
            third = self._send_campaign(self.sophie | self.john)
        self.assertEqual(self._sent_numbers(), [CUSTOMER, CUSTOMER, ENGLISH])
        self.assertEqual(
            sorted((t.sms_number, t.trace_status, t.failure_type)
                   for t in third.mailing_trace_ids),
            [(CUSTOMER, "cancel", "dealer_marketing_cap"), (ENGLISH, "pending", False)])

    def test_a_slot_frees_up_after_the_period(self):
        with self._frozen(MORNING):
            self._send_campaign(self.sophie)
            self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(days=31)):
            self._send_campaign(self.sophie)
        self.assertEqual(self._sent_numbers(), [CUSTOMER] * 3)

    def test_cap_is_a_company_setting(self):
        self.env.company.dealer_marketing_cap = 3
        with self._frozen(MORNING):
            for _i in range(4):
                self._send_campaign(self.sophie)
        self.assertEqual(self._sent_numbers(), [CUSTOMER] * 3)

    def test_marketing_text_outside_any_campaign_counts_and_is_capped(self):
        with self._frozen(MORNING):
            self._send_campaign(self.sophie)
            self._send_campaign(self.sophie)
            sms = self.env["sms.sms"].sudo().with_context(
                dealer_send=DealerSend("marketing")).create({
                    "number": CUSTOMER, "body": "Promo", "partner_id": self.sophie.id})
            sms.send()
            self._run_queues()
        self.assertEqual((sms.state, sms.failure_type), ("canceled", "dealer_marketing_cap"))
        self.assertEqual(len(self._sent_numbers()), 2)

    def test_service_texts_do_not_count(self):
        with self._frozen(MORNING):
            for _i in range(3):
                self.env["sms.sms"].sudo().with_context(dealer_send=DealerSend(
                    "service")).create({"number": CUSTOMER, "body": "Prêt"}).send()
            self._send_campaign(self.sophie)
            self._run_queues()
        self.assertEqual(len(self._sent_numbers()), 4)

    def test_two_batches_of_the_same_customer_hold_the_cap(self):
        """Three campaigns queued at once, sent by the queue in separate batches (as two
        workers would take them): the second batch counts what the first logged."""
        with self._frozen(MORNING):
            mailings = [self._campaign(self.sophie) for _i in range(3)]
            for mailing in mailings:
                mailing.action_send_sms()
            Sms = self.env["sms.sms"]
            with patch.object(type(Sms), "_get_send_batch_size", lambda self: 1):
                self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER, CUSTOMER])
        self.assertEqual(
            [self._traces(m).failure_type for m in mailings],
            [False, False, "dealer_marketing_cap"])

    def test_the_cap_locks_each_number(self):
        """The cap takes a transaction lock per number before counting (another worker
        sending the same customer waits for this one to commit)."""
        with self._frozen(MORNING):
            self._campaign(self.sophie).action_send_sms()
            self._run_queues()
        self.env.cr.execute("""
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND pid = pg_backend_pid()""")
        self.assertGreaterEqual(self.env.cr.fetchone()[0], 1)


@tagged("post_install", "-at_install")
class TestPromoCompliance(DealerPromoCommon):
    """Consent and quiet hours, for campaign texts, at the lowest layer."""

    def test_promotion_at_night_waits_for_the_morning(self):
        self.env.company.write({"dealer_quiet_hour_start": 9.0, "dealer_quiet_hour_end": 20.0})
        night = datetime(2026, 11, 11, 3, 30)  # 22:30 in Montreal
        with self._frozen(night):
            mailing = self._send_campaign(self.sophie)
        self.assertEqual(self._sent_numbers(), [])
        sms = self._texts_to(CUSTOMER)
        self.assertEqual(sms.dealer_not_before, datetime(2026, 11, 11, 14, 0))  # 9 h
        with self._frozen(datetime(2026, 11, 11, 14, 1)):
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])
        self.assertEqual(self._traces(mailing).trace_status, "pending")  # at Twilio

    def test_promotion_at_night_waits_even_in_a_conversation(self):
        self.env.company.write({"dealer_quiet_hour_start": 9.0, "dealer_quiet_hour_end": 20.0})
        night = datetime(2026, 11, 11, 3, 30)
        with self._frozen(night):
            self._receive("Bonsoir, vous ouvrez à quelle heure?")
            self._send_campaign(self.sophie)
        self.assertNotIn(CUSTOMER, self._sent_numbers())

    def test_customer_with_expired_implied_consent_gets_nothing(self):
        partner = self.env["res.partner"].create({"name": "Luc", "phone": "+15145550155"})
        self.env["dealer.consent"]._dealer_record(
            "implied_inquiry", ["marketing"], phone="+15145550155", source="test",
            at=MORNING - timedelta(days=200))
        with self._frozen(MORNING):
            mailing = self._send_campaign(partner)
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual((self._traces(mailing).trace_status,
                          self._traces(mailing).failure_type), ("cancel", "dealer_no_consent"))

    def test_customer_with_fresh_implied_consent_gets_it(self):
        partner = self.env["res.partner"].create({"name": "Luc", "phone": "+15145550155"})
        self.env["dealer.consent"]._dealer_record(
            "implied_purchase", ["marketing"], phone="+15145550155", source="test",
            at=MORNING - timedelta(days=200))
        with self._frozen(MORNING):
            self._send_campaign(partner)
        self.assertEqual(self._sent_numbers(), ["+15145550155"])


@tagged("post_install", "-at_install")
class TestPromoReplies(DealerPromoCommon):
    """Replies and opt-outs are counted per campaign: the last one the number received."""

    def test_replies_and_opt_outs_counted_on_the_campaign(self):
        with self._frozen(MORNING):
            mailing = self._send_campaign(self.sophie | self.john)
        with self._frozen(MORNING + timedelta(hours=1)):
            self._receive("Combien pour des Michelin?")
            self._receive("STOP", sender=ENGLISH)
        mailing.invalidate_recordset()
        self.assertEqual((mailing.dealer_reply_count, mailing.dealer_optout_count), (2, 1))

    def test_the_campaign_lists_its_replies_and_its_opt_outs(self):
        with self._frozen(MORNING):
            mailing = self._send_campaign(self.sophie | self.john)
        with self._frozen(MORNING + timedelta(hours=1)):
            question = self._receive("Combien pour des Michelin?")
            stop = self._receive("STOP", sender=ENGLISH)
        replies = mailing.action_dealer_view_replies()
        self.assertEqual(self.env["dealer.sms.inbound"].search(replies["domain"]),
                         question | stop)
        optouts = mailing.with_context(dealer_optouts=True).action_dealer_view_replies()
        self.assertEqual(self.env["dealer.sms.inbound"].search(optouts["domain"]), stop)

    def test_french_arret_counts_as_an_opt_out(self):
        with self._frozen(MORNING):
            mailing = self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(hours=1)):
            self._receive("ARRÊT")
        self.assertEqual(mailing.dealer_optout_count, 1)

    def test_a_reply_counts_for_the_latest_campaign_only(self):
        with self._frozen(MORNING):
            first = self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(days=2)):
            second = self._send_campaign(self.sophie)
        with self._frozen(MORNING + timedelta(days=2, hours=1)):
            self._receive("Oui, rappelez-moi")
        self.assertEqual((first.dealer_reply_count, second.dealer_reply_count), (0, 1))

    def test_a_reply_in_the_second_the_campaign_left_counts(self):
        with self._frozen(MORNING):
            mailing = self._send_campaign(self.sophie)
        # the trace keeps microseconds, the inbound text whole seconds
        mailing.mailing_trace_ids.sent_datetime = MORNING + timedelta(microseconds=400000)
        with self._frozen(MORNING):
            self._receive("Oui!")
        self.assertEqual(mailing.dealer_reply_count, 1)

    def test_a_text_before_the_campaign_is_not_a_reply(self):
        with self._frozen(MORNING - timedelta(hours=1)):
            self._receive("Bonjour")
        with self._frozen(MORNING):
            mailing = self._send_campaign(self.sophie)
        self.assertEqual(mailing.dealer_reply_count, 0)


@tagged("post_install", "-at_install")
class TestPromoTireTarget(DealerPromoCommon):
    """Tire campaigns target customers whose vehicle is due: last tire service older than
    the months set, or that many kilometres ago."""

    def _vehicle(self, partner, mileage, tire_visit_at=None, tire_km=0):
        vehicle = self.env["dealer.service.vehicle"].create({
            "partner_id": partner.id, "make": "Toyota", "model": "RAV4", "mileage": mileage})
        if tire_visit_at:
            with self._frozen(tire_visit_at):
                visit = self.env["dealer.service.visit"].create({
                    "partner_id": partner.id, "vehicle_id": vehicle.id, "tire_service": True,
                    "appointment_at": tire_visit_at, "mileage": tire_km})
                visit.status = "picked_up"
        return vehicle

    def _due(self):
        return self.env["res.partner"].search([
            ("dealer_tire_due", "=", True), ("dealer_vehicle_ids", "!=", False)])

    def test_old_tire_service_is_due(self):
        self._vehicle(self.sophie, 40000, MORNING - timedelta(days=240), 38000)
        self._vehicle(self.john, 40000, MORNING - timedelta(days=60), 39000)
        with self._frozen(MORNING):
            self.assertEqual(self._due(), self.sophie)

    def test_many_kilometres_since_tire_service_is_due(self):
        self._vehicle(self.sophie, 52000, MORNING - timedelta(days=60), 41000)
        with self._frozen(MORNING):
            self.assertEqual(self._due(), self.sophie)

    def test_months_and_kilometres_are_settings(self):
        self.env.company.write({"dealer_tire_months": 12, "dealer_tire_km": 20000})
        self._vehicle(self.sophie, 52000, MORNING - timedelta(days=240), 41000)
        with self._frozen(MORNING):
            self.assertFalse(self._due())

    def test_tire_campaign_reaches_due_customers_only(self):
        self._vehicle(self.sophie, 40000, MORNING - timedelta(days=240), 38000)
        self._vehicle(self.john, 40000, MORNING - timedelta(days=60), 39000)
        with self._frozen(MORNING):
            mailing = self._campaign(self.sophie | self.john)
            mailing.mailing_domain = repr([("dealer_tire_due", "=", True),
                                           ("dealer_vehicle_ids", "!=", False)])
            mailing.action_send_sms()
            self._run_queues()
        self.assertEqual(mailing.mailing_trace_ids.mapped("sms_number"), [CUSTOMER])
        self.assertEqual(len([body for body in self.twilio_requests
                              if body["Body"].startswith("Pneus")]), 1)
