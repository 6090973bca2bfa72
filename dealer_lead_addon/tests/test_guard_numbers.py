from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend

from .common_texting import CUSTOMER, DealerTextingCommon

# the customer's number (+15145550123) as people and systems write it
UNNORMALISED_FORMS = ["5145550123", "(514) 555-0123", " +15145550123 ", "514-555-0123",
                      "514.555.0123", "1 514 555 0123", "+1 (514) 555-0123"]


@tagged("post_install", "-at_install")
class TestGuardNumbers(DealerTextingCommon):
    """The guard reads every number in E.164 (with the company's country) before any check:
    no way of writing a number gets past the opt-out list or the consent ledger."""

    def _service_text(self, number):
        return self.env["sms.sms"].sudo().with_context(dealer_send=DealerSend("service")).create(
            {"number": number, "body": "Votre véhicule est prêt"})

    def test_no_form_of_an_opted_out_number_reaches_the_provider(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        for form in UNNORMALISED_FORMS:
            with self.subTest(number=form):
                text = self._service_text(form)
                text.send()
                self._run_queues()
                self.assertEqual((text.state, text.failure_type),
                                 ("canceled", "sms_blacklist"))
        self.assertEqual(self._sent_numbers(), [])

    def test_a_number_rewritten_in_another_form_is_still_checked(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        for form in UNNORMALISED_FORMS:
            with self.subTest(number=form):
                text = self._service_text("+14165550199")
                text.number = form  # written after creation: read again at sending
                text.send()
                self._run_queues()
                self.assertEqual(text.failure_type, "sms_blacklist")
        self.assertEqual(self._sent_numbers(), [])

    def test_stock_composer_numbers_are_checked_in_e164(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        composer = self.env["sms.composer"].create({
            "composition_mode": "numbers", "numbers": "(514) 555-0123", "body": "Bonjour"})
        composer.action_send_sms()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(self._texts_to(CUSTOMER).failure_type, "sms_blacklist")

    def test_texts_are_stored_and_sent_in_e164(self):
        text = self._service_text("(514) 555-0123")
        self.assertEqual(text.number, CUSTOMER)
        text.send()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_consent_is_found_whatever_the_form_of_the_number(self):
        self.env["dealer.consent"]._dealer_record("express", ["sales"], phone=CUSTOMER,
                                                  source="test")
        text = self.env["sms.sms"].sudo().create({"number": "514 555-0123", "body": "Suivi"})
        text.send()
        self._run_queues()
        self.assertEqual(self._sent_numbers(), [CUSTOMER])

    def test_a_number_that_is_not_a_phone_number_is_never_sent(self):
        text = self._service_text("555-01")
        text.send()
        self._run_queues()
        self.assertEqual((text.state, text.failure_type), ("canceled", "sms_number_format"))
        self.assertEqual(self._sent_numbers(), [])

    def test_a_company_that_moves_reads_national_numbers_in_its_new_country(self):
        company = self.env.company
        company.country_id = self.env.ref("base.ca")
        self.assertEqual(company._dealer_e164("514-555-0123"), "+15145550123")
        # the country is cached: moving the company's partner clears it
        company.partner_id.country_id = self.env.ref("base.fr")
        self.assertEqual(company._dealer_e164("01 42 68 53 00"), "+33142685300")
        company.country_id = self.env.ref("base.ca")
        self.assertEqual(company._dealer_e164("01 42 68 53 00"), False)
