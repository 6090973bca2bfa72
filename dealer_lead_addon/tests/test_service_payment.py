from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.payment import utils as payment_utils

from .common_service import DealerServiceCommon

PAY_PATH = "/dealer_lead/service/pay/"


@tagged("post_install", "-at_install")
class TestServicePayment(DealerServiceCommon, HttpCase):
    """A texted payment link for the amount due; the visit is paid once the transaction is
    done; links expire; never in a promotion.

    Payments run through Odoo's demo provider (``payment_demo``, which scripts/odoo_tests.py
    installs for the tests only): the customer's payment is the provider's own "done" answer.
    """

    def _visit_with_amount(self, amount=250.0):
        visit = self._booked(amount_due=amount)
        visit.action_check_in()
        return visit

    def _link(self, visit):
        visit.action_send_payment_link()
        body = self._service_texts()[-1].body
        return body[body.index("http"):].split()[0]

    def _pay(self, visit, amount):
        """The customer pays ``amount`` on the link's page with Odoo's demo provider."""
        provider = self.env.ref("payment.payment_provider_demo").sudo()
        provider.state = "test"
        tx = self.env["payment.transaction"].sudo().create({
            "provider_id": provider.id,
            "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
            "amount": amount, "currency_id": visit.currency_id.id,
            "partner_id": visit.partner_id.id, "reference": f"SRV{visit.id}",
        })
        tx.action_demo_set_done()  # the demo provider's answer: payment done
        tx._post_process()  # what Odoo's post-processing cron does next
        return tx

    def test_the_link_is_texted_with_the_amount(self):
        visit = self._visit_with_amount()
        url = self._link(visit)
        self.assertIn(PAY_PATH, url)
        self.assertIn("250,00", self._service_texts()[-1].body.replace("\xa0", " "))
        self.assertEqual(visit.payment_state, "link_sent")
        token = url.rsplit("/", 1)[1]
        self.assertNotIn(token, visit.sudo().payment_token_hash)

    def test_the_link_opens_odoos_payment_page_for_the_visit(self):
        visit = self._visit_with_amount()
        url = self._link(visit)
        response = self.url_open(urlsplit(url).path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        target = urlsplit(response.headers["Location"])
        self.assertEqual(target.path, "/payment/pay")
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        self.assertEqual((query["reference"], float(query["amount"])), (f"SRV{visit.id}", 250.0))
        # the token Odoo's /payment/pay checks (partner, amount, currency)
        self.assertEqual(query["access_token"], payment_utils.generate_access_token(
            visit.partner_id.id, 250.0, visit.currency_id.id, env=self.env))

    def test_an_expired_link_is_refused(self):
        visit = self._visit_with_amount()
        url = self._link(visit)
        visit.payment_link_expires_at = fields.Datetime.now() - timedelta(minutes=1)
        response = self.url_open(urlsplit(url).path, allow_redirects=False)
        self.assertEqual(response.status_code, 410)

    def test_an_unknown_link_is_404(self):
        response = self.url_open(f"{PAY_PATH}not-a-real-token", allow_redirects=False)
        self.assertEqual(response.status_code, 404)

    def test_the_visit_is_paid_when_the_transaction_is_done(self):
        visit = self._visit_with_amount()
        self._link(visit)
        tx = self._pay(visit, 250.0)
        self.assertEqual((tx.provider_code, tx.state), ("demo", "done"))
        self.assertEqual(tx.dealer_service_visit_id, visit)
        self.assertEqual(visit.payment_state, "paid")
        self.assertTrue(visit.paid_at)
        self.assertFalse(visit.sudo().payment_token_hash)  # the link dies once paid

    def test_a_partial_payment_is_not_paid(self):
        visit = self._visit_with_amount()
        self._pay(visit, 100.0)
        self.assertNotEqual(visit.payment_state, "paid")

    def test_ready_rule_texts_the_link(self):
        self.service_team.payment_link_at_ready = True
        visit = self._visit_with_amount()
        visit.action_ready()
        self.assertIn("payment_link", visit.text_ids.mapped("kind"))

    def test_a_payment_link_never_rides_in_a_promotion(self):
        visit = self._visit_with_amount()
        url = self._link(visit)
        sms = self.env["dealer.outbound"]._send_sms(
            visit, f"Pneus d'hiver -20 %! Payez ici : {url}", purpose="marketing",
            number=visit._dealer_customer_number(), partner=visit.partner_id)
        self._run_queues()
        self.assertEqual((sms.state, sms.failure_type), ("canceled", "dealer_payment_link"))
