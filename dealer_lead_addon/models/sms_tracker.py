from odoo import models

from ..tools.twilio_api import TWILIO_UNSUBSCRIBED


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _action_update_from_twilio_error(self, sms_status, error_code, error_message):
        """A delivery report with error 21610 (recipient unsubscribed at Twilio) records the
        opt-out, whatever sent the text."""
        if str(error_code or "") == str(TWILIO_UNSUBSCRIBED):
            numbers = self.mail_notification_id.mapped("sms_number")
            # sudo: status callbacks run as the public user
            numbers += self.env["sms.sms"].sudo().search(
                [("uuid", "in", self.mapped("sms_uuid"))]).mapped("number")
            if numbers:
                self.env["dealer.consent"]._dealer_opt_out_numbers(
                    list(set(numbers)), source=self.env._("Twilio error 21610 (status report)"))
        return super()._action_update_from_twilio_error(sms_status, error_code, error_message)
