from datetime import datetime, timedelta

from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.models.dealer_outbound import DealerSend

from .common_texting import CUSTOMER, DealerTextingCommon

# Monday 22:30 in Montreal
NIGHT = datetime(2026, 11, 24, 3, 30)
DAY = datetime(2026, 11, 24, 15, 0)


@tagged("post_install", "-at_install")
class TestNoBypass(DealerTextingCommon):
    """Every way this addon (or Odoo) can create a text meets the same guard at the bottom:
    each path below tries to text an opted-out number, to text at night, or to send marketing
    without consent, and fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})

    def _paths(self, purpose):
        """Callables that each create and try to send one text to CUSTOMER, with ``purpose``
        set as the addon's server code sets it."""
        lead = self.customer_lead
        outbound = self.env["dealer.outbound"]
        send = DealerSend(purpose)

        def direct_sms():
            self.env["sms.sms"].sudo().with_context(dealer_send=send).create(
                {"number": CUSTOMER, "body": "x"}).send()

        def odoo_message_sms():
            lead.with_context(dealer_send=send)._message_sms(
                "x", sms_numbers=[CUSTOMER], put_in_queue=False)

        def odoo_mass_composer():
            composer = self.env["sms.composer"].with_context(dealer_send=send).create({
                "composition_mode": "mass", "res_model": "crm.lead", "res_ids": repr(lead.ids),
                "body": "x", "mass_keep_log": True, "mass_force_send": True})
            composer._action_send_sms()

        def dealer_outbound():
            outbound._send_sms(lead, "x", purpose=purpose, number=CUSTOMER)
            self._run_postcommit()

        return {"sms.sms.send": direct_sms, "_message_sms": odoo_message_sms,
                "sms.composer (mass)": odoo_mass_composer,
                "dealer.outbound": dealer_outbound}

    def _everywhere(self, *numbers):
        """The expected outcome: ``numbers`` handed to Twilio by every path."""
        return {name: list(numbers) for name in self._paths("sales")}

    def _try_each_path(self, purpose, at):
        """``{path name: numbers handed to Twilio}``"""
        sent = {}
        for name, path in self._paths(purpose).items():
            type(self).twilio_requests = []
            with self._frozen(at):
                path()
                self._run_queues()
            sent[name] = self._sent_numbers()
        return sent

    def _consent(self, purpose):
        self.env["dealer.consent"]._dealer_record("express", [purpose], phone=CUSTOMER,
                                                  source="test", at=datetime(2026, 1, 1))

    def test_no_path_texts_an_opted_out_number(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        self.assertEqual(self._try_each_path("service", DAY), self._everywhere())

    def test_no_path_sends_a_non_urgent_text_at_night(self):
        self.assertEqual(self._try_each_path("service", NIGHT), self._everywhere())
        held = self._texts_to(CUSTOMER).filtered(lambda sms: sms.state == "outgoing")
        self.assertEqual(set(held.mapped("dealer_not_before")), {datetime(2026, 11, 24, 13, 0)},
                         "held until 08:00, not dropped")

    def test_no_path_sends_marketing_without_consent(self):
        self.assertEqual(self._try_each_path("marketing", DAY), self._everywhere())

    def test_every_path_sends_when_all_is_allowed(self):
        self._consent("marketing")
        self.env.company.dealer_marketing_cap = 10  # one promotion per path
        self.assertEqual(self._try_each_path("marketing", DAY), self._everywhere(CUSTOMER))

    def test_no_path_passes_the_marketing_cap(self):
        self._consent("marketing")
        self.env["dealer.marketing.send"].sudo().create([
            {"number": CUSTOMER, "sent_at": DAY - timedelta(days=day)} for day in (1, 2)])
        self.assertEqual(self._try_each_path("marketing", DAY), self._everywhere())
        self.assertEqual(set(self._texts_to(CUSTOMER).mapped("failure_type")),
                         {"dealer_marketing_cap"})

    def test_consent_withdrawn_after_a_text_was_queued_stops_it(self):
        self._consent("marketing")
        with self._frozen(DAY):
            sms = self.env["sms.sms"].sudo().create(
                {"number": CUSTOMER, "body": "x", "dealer_purpose": "marketing"})
            self.env["dealer.consent"]._dealer_record("withdrawn", ["marketing"],
                                                      phone=CUSTOMER, source="test")
            sms.send()
        self.assertEqual(self._sent_numbers(), [])
