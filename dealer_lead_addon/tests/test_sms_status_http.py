from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.sms_twilio.tools.sms_twilio import get_twilio_status_callback_url

from .common_texting import CUSTOMER, DealerTextingCommon

STOCK_LOGGER = "odoo.addons.sms_twilio.controllers.controllers"


@tagged("post_install", "-at_install")
class TestTwilioStatusCallbacks(DealerTextingCommon, HttpCase):
    """Delivery reports on ``sms_twilio``'s own route, signed as Twilio signs them: replays,
    out-of-order and unknown statuses leave the right state; 21610 opts the number out."""

    def setUp(self):
        super().setUp()
        # a stock chatter text is a sales text: with consent, it reaches Twilio
        self.env["dealer.consent"]._dealer_record("express", ["sales"], phone=CUSTOMER,
                                                  source="test")
        self.customer_lead._message_sms("Votre RAV4 est prêt", sms_numbers=[CUSTOMER],
                                        put_in_queue=True)
        self.sms = self._texts_to(CUSTOMER)
        self.uuid = self.sms.uuid
        self._run_queues()
        self.notification = self.env["mail.notification"].sudo().search(
            [("sms_tracker_ids.sms_uuid", "=", self.uuid)])

    def _report(self, status, **extra):
        params = {"AccountSid": "AC0123456789abcdef0123456789abcdef", "ApiVersion": "2010-04-01",
                  "From": "+14385550100", "To": CUSTOMER, "MessageSid": "SMabc",
                  "SmsSid": "SMabc", "MessageStatus": status, "SmsStatus": status, **extra}
        url = get_twilio_status_callback_url(self.env.company, self.uuid)
        response = self.url_open(f"/sms_twilio/status/{self.uuid}", data=params, headers={
            "X-Twilio-Signature": self._sign(url, params)})
        self.env.invalidate_all()
        return response

    def test_delivery_report_marks_the_text_delivered(self):
        self.assertEqual(self._report("delivered").status_code, 200)
        self.assertEqual(self.notification.notification_status, "sent")

    def test_replayed_report_changes_nothing(self):
        self._report("delivered")
        self.assertEqual(self._report("delivered").status_code, 200)
        self.assertEqual(self.notification.notification_status, "sent")

    def test_late_sent_report_after_delivered_does_not_go_back(self):
        self._report("delivered")
        self._report("sent")
        self.assertEqual(self.notification.notification_status, "sent")

    @mute_logger(STOCK_LOGGER)
    def test_unknown_status_is_refused_and_changes_nothing(self):
        self.assertEqual(self._report("teleported").status_code, 404)
        self.assertEqual(self.notification.notification_status, "pending")

    @mute_logger(STOCK_LOGGER)
    def test_forged_report_is_refused(self):
        url = f"/sms_twilio/status/{self.uuid}"
        response = self.url_open(url, data={"SmsStatus": "failed", "ErrorCode": "21610"},
                                 headers={"X-Twilio-Signature": "Zm9yZ2Vk"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._blacklisted(CUSTOMER))

    def test_undelivered_21610_report_opts_the_number_out(self):
        self._report("undelivered", ErrorCode="21610",
                     ErrorMessage="Attempt to send to unsubscribed recipient")
        self.assertTrue(self._blacklisted(CUSTOMER))
