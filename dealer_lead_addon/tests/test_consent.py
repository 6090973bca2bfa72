from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend

from .common_texting import CUSTOMER, DealerTextingCommon

INQUIRY_AT = datetime(2026, 1, 15, 15, 0)


@tagged("post_install", "-at_install")
class TestConsentLedger(DealerTextingCommon):
    """Append-only consent events and CASL's expiry rules."""

    def _record(self, kind, purposes=("marketing",), at=INQUIRY_AT, **kw):
        return self.env["dealer.consent"]._dealer_record(
            kind, list(purposes), phone=CUSTOMER, source="test", at=at, **kw)

    def _valid(self, purpose="marketing", at=None):
        return CUSTOMER in self.env["dealer.consent"]._dealer_valid_contacts(
            purpose, phones=[CUSTOMER], at=at)

    def test_no_record_means_no_consent(self):
        self.assertFalse(self._valid())

    def test_implied_consent_from_an_inquiry_lasts_six_months(self):
        record = self._record("implied_inquiry")
        self.assertEqual(record.expires_at, datetime(2026, 7, 15, 15, 0))
        self.assertTrue(self._valid(at=datetime(2026, 7, 15, 14, 59)))
        self.assertFalse(self._valid(at=datetime(2026, 7, 15, 15, 1)))

    def test_implied_consent_from_a_purchase_lasts_two_years(self):
        record = self._record("implied_purchase")
        self.assertEqual(record.expires_at, datetime(2028, 1, 15, 15, 0))
        self.assertTrue(self._valid(at=datetime(2027, 12, 1)))
        self.assertFalse(self._valid(at=datetime(2028, 2, 1)))

    def test_express_consent_never_expires(self):
        record = self._record("express", text="J'accepte de recevoir vos promotions.",
                              lang="fr_CA")
        self.assertFalse(record.expires_at)
        self.assertTrue(self._valid(at=datetime(2040, 1, 1)))

    def test_withdrawal_cancels_every_earlier_grant(self):
        self._record("express")
        self._record("withdrawn", at=datetime(2026, 3, 1))
        self.assertFalse(self._valid(at=datetime(2026, 4, 1)))

    def test_grant_after_a_withdrawal_counts_again(self):
        self._record("withdrawn", at=datetime(2026, 3, 1))
        self._record("express", at=datetime(2026, 5, 1))
        self.assertTrue(self._valid(at=datetime(2026, 6, 1)))

    def test_an_expired_implied_consent_does_not_hide_an_older_express_one(self):
        self._record("express", at=datetime(2025, 1, 1))
        self._record("implied_inquiry", at=datetime(2025, 6, 1))
        self.assertTrue(self._valid(at=datetime(2026, 6, 1)))

    def test_consent_is_per_purpose(self):
        self._record("express", purposes=["service"])
        self.assertTrue(self._valid("service"))
        self.assertFalse(self._valid("marketing"))

    def test_a_consent_record_cannot_be_edited(self):
        record = self._record("express")
        with self.assertRaises(UserError):
            record.write({"kind": "implied_inquiry"})

    def test_a_consent_record_cannot_be_deleted(self):
        record = self._record("express")
        with self.assertRaises(UserError):
            record.unlink()

    def test_exact_text_source_and_language_are_kept(self):
        record = self._record("express", text="Oui, textez-moi vos offres", lang="fr_CA")
        self.assertEqual((record.consent_text, record.lang, record.source),
                         ("Oui, textez-moi vos offres", "fr_CA", "test"))

    def test_an_inquiry_records_implied_consent_for_follow_up(self):
        with self._frozen(datetime(2026, 11, 24, 15, 0)):
            lead = self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Essai", "contact_name": "Léa", "phone": "+15145550155",
                "team_id": self.team.id})
        events = lead.dealer_consent_ids
        self.assertEqual(set(events.mapped("purpose")), {"sales", "marketing"})
        self.assertEqual(set(events.mapped("kind")), {"implied_inquiry"})

    def test_a_won_lead_records_two_years_of_implied_consent(self):
        self.customer_lead.action_set_won()
        purchase = self.customer_lead.dealer_consent_ids.filtered(
            lambda c: c.kind == "implied_purchase")
        self.assertEqual(set(purchase.mapped("purpose")), {"sales", "service", "marketing"})


@tagged("post_install", "-at_install")
class TestConsentGuard(DealerTextingCommon):
    """Marketing and sales messages need a valid consent at the moment they leave; the first
    answer to an inquiry does not. Every path tries."""

    def _text(self, purpose, number=CUSTOMER):
        """A text of ``purpose``, as the addon's code creates it."""
        return self.env["sms.sms"].sudo().with_context(dealer_send=DealerSend(purpose)).create(
            {"number": number, "body": "Offre"})

    def test_marketing_text_without_consent_is_canceled(self):
        sms = self._text("marketing")
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("canceled", "dealer_no_consent"))
        self.assertEqual(self._sent_numbers(), [])

    def test_marketing_text_with_valid_consent_leaves(self):
        self.env["dealer.consent"]._dealer_record("express", ["marketing"], phone=CUSTOMER,
                                                  source="test")
        self._text("marketing").send()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_marketing_text_after_implied_consent_expired_is_canceled(self):
        self.env["dealer.consent"]._dealer_record(
            "implied_inquiry", ["marketing"], phone=CUSTOMER, source="test",
            at=datetime(2025, 1, 1))
        sms = self._text("marketing")
        sms.send()
        self.assertEqual(sms.failure_type, "dealer_no_consent")

    def test_first_answer_to_an_inquiry_needs_no_consent(self):
        self._text("ack").send()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_sales_follow_up_through_odoo_message_sms_is_checked_too(self):
        self.customer_lead._message_sms(
            "Toujours intéressée?", sms_numbers=[CUSTOMER], put_in_queue=False)
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(self._texts_to(CUSTOMER).failure_type, "dealer_no_consent")

    def test_marketing_email_without_consent_is_canceled(self):
        mail = self.env["mail.mail"].sudo().with_context(
            dealer_send=DealerSend("marketing")).create({
                "email_to": "sophie@example.ca", "subject": "Promo", "body_html": "<p/>"})
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual(mail.state, "cancel")
        self.assertNotSentEmail()

    def test_marketing_email_with_consent_leaves(self):
        self.env["dealer.consent"]._dealer_record("express", ["marketing"],
                                                  email="sophie@example.ca", source="test")
        mail = self.env["mail.mail"].sudo().with_context(
            dealer_send=DealerSend("marketing")).create({
                "email_to": "sophie@example.ca", "subject": "Promo", "body_html": "<p/>"})
        with self.mock_mail_gateway():
            mail.send()
        self.assertSentEmail(mail.env.user.partner_id, ["sophie@example.ca"])


@tagged("post_install", "-at_install")
class TestTwilioOptOutErrors(DealerTextingCommon):
    """Twilio error 21610 ("unsubscribed recipient") records the opt-out, whether it comes
    back on the send or in a delivery report."""

    def setUp(self):
        super().setUp()
        # the texts below are stock sales texts: with consent, they reach Twilio
        self.env["dealer.consent"]._dealer_record("express", ["sales"], phone=CUSTOMER,
                                                  source="test")

    def test_21610_on_send_records_the_opt_out(self):
        type(self).twilio_errors = {CUSTOMER: 21610}
        sms = self.env["sms.sms"].sudo().create({"number": CUSTOMER, "body": "Bonjour"})
        sms.send()
        self._run_queues()
        self.assertEqual(sms.failure_type, "sms_blacklist")
        self.assertTrue(self._blacklisted(CUSTOMER))

    def test_21610_on_send_stops_the_follow_up_sequence(self):
        enrollment = self.env["dealer.sequence.enrollment"].create({
            "lead_id": self.customer_lead.id,
            "sequence_id": self.env["dealer.sequence"].create({"name": "Suivi"}).id})
        type(self).twilio_errors = {CUSTOMER: 21610}
        self.env["sms.sms"].sudo().create({"number": CUSTOMER, "body": "Bonjour"}).send()
        self._run_queues()
        self.assertEqual(enrollment.stop_reason, "opted_out")

    def test_other_twilio_errors_do_not_opt_out(self):
        type(self).twilio_errors = {CUSTOMER: 21211}
        self.env["sms.sms"].sudo().create({"number": CUSTOMER, "body": "Bonjour"}).send()
        self._run_queues()
        self.assertEqual(len(self.twilio_requests), 1)
        self.assertFalse(self._blacklisted(CUSTOMER))

    def test_21610_in_a_status_report_records_the_opt_out(self):
        sms = self.env["sms.sms"].sudo().create({"number": CUSTOMER, "body": "Bonjour"})
        tracker = self.env["sms.tracker"].sudo().create({"sms_uuid": sms.uuid})
        tracker._action_update_from_twilio_error("failed", "21610", "Unsubscribed recipient")
        self.assertTrue(self._blacklisted(CUSTOMER))


@tagged("post_install", "-at_install")
class TestRecordConsentWizard(DealerTextingCommon):
    """A salesperson records what the customer agreed to in person, with the exact words."""

    def _wizard(self, **vals):
        return self.env["dealer.consent.record"].with_user(self.sales_1).with_context(
            active_id=self.customer_lead.id).create(vals)

    def test_wizard_proposes_the_consent_text_in_the_customers_language(self):
        wizard = self._wizard(marketing=True)
        self.assertEqual((wizard.phone, wizard.lang), (CUSTOMER, "fr"))
        self.assertIn("J'accepte de recevoir des textos", wizard.consent_text)
        self.assertIn("leurs offres et promotions", wizard.consent_text)

    def test_express_consent_recorded_in_person_allows_marketing(self):
        self._wizard(marketing=True).action_record()
        record = self.customer_lead.dealer_consent_ids.filtered(
            lambda c: c.purpose == "marketing")
        self.assertEqual((record.kind, record.lang, record.recorded_by_id),
                         ("express", "fr_CA", self.sales_1))
        self.assertIn(CUSTOMER, self.env["dealer.consent"]._dealer_valid_contacts(
            "marketing", phones=[CUSTOMER]))

    def test_withdrawal_recorded_in_person_blocks_marketing(self):
        self._wizard(marketing=True).action_record()
        self._wizard(kind="withdrawn", sales=False, service=False, marketing=True,
                     source="Phone call").action_record()
        self.assertNotIn(CUSTOMER, self.env["dealer.consent"]._dealer_valid_contacts(
            "marketing", phones=[CUSTOMER]))

    def test_consent_without_purpose_is_refused_with_a_reason(self):
        with self.assertRaises(UserError):
            self._wizard(sales=False, service=False).action_record()
