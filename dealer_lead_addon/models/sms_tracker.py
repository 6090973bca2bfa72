from odoo import models

from ..tools.twilio_api import TWILIO_UNSUBSCRIBED

# what a delivery report says about a text (``sms.sms`` states, as the status route maps them)
REPORTED_ACK_STATES = {"pending": "sent", "sent": "delivered"}


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _action_update_from_sms_state(self, sms_state, failure_type=False, failure_reason=False):
        """Provider answers and Twilio's status callbacks: the acknowledgement of a lead
        shows sent, then delivered."""
        result = super()._action_update_from_sms_state(
            sms_state, failure_type=failure_type, failure_reason=failure_reason)
        if sms_state in REPORTED_ACK_STATES:
            self.env["crm.lead"]._dealer_ack_sync_reported(
                self.mapped("sms_uuid"), REPORTED_ACK_STATES[sms_state])
        return result

    def _action_update_from_twilio_error(self, sms_status, error_code, error_message):
        """A delivery report with error 21610 (recipient unsubscribed at Twilio) records the
        opt-out, whatever sent the text; a failed or undelivered report fails the
        acknowledgement it carried."""
        if str(error_code or "") == str(TWILIO_UNSUBSCRIBED):
            numbers = self.mail_notification_id.mapped("sms_number")
            # sudo: status callbacks run as the public user
            numbers += self.env["sms.sms"].sudo().search(
                [("uuid", "in", self.mapped("sms_uuid"))]).mapped("number")
            if numbers:
                self.env["dealer.consent"]._dealer_opt_out_numbers(
                    list(set(numbers)), source=self.env._("Twilio error 21610 (status report)"))
        result = super()._action_update_from_twilio_error(sms_status, error_code, error_message)
        self.env["crm.lead"]._dealer_ack_sync_reported(
            self.mapped("sms_uuid"), "failed",
            reason=error_message or (f"Twilio {error_code}" if error_code else sms_status))
        return result

    def _update_sms_notifications(self, notification_status, failure_type=False,
                                  failure_reason=False):
        """An outbound text changed status: its lead's open conversations show it."""
        result = super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason)
        messages = self.mail_notification_id.mail_message_id.filtered(
            lambda message: message.model == "crm.lead")
        if messages:
            # sudo: the delivery reports run as the public user; only the audience is read
            self.env["crm.lead"].sudo().browse(
                set(messages.mapped("res_id"))).exists()._dealer_conversation_notify()
        return result
