"""Twilio's REST client of ``sms_twilio``, taught one more error code."""

from odoo.addons.sms_twilio.tools.sms_api import SmsApiTwilio

# "Attempt to send to unsubscribed recipient": the customer texted STOP to Twilio directly
TWILIO_UNSUBSCRIBED = 21610
TWILIO_UNSUBSCRIBED_STATE = "twilio_unsubscribed"


class DealerSmsApiTwilio(SmsApiTwilio):
    PROVIDER_TO_SMS_FAILURE_TYPE = SmsApiTwilio.PROVIDER_TO_SMS_FAILURE_TYPE | {
        TWILIO_UNSUBSCRIBED_STATE: "sms_blacklist",
    }

    def _twilio_error_code_to_odoo_state(self, response_json):
        code = response_json.get("code") or response_json.get("error_code")
        if str(code) == str(TWILIO_UNSUBSCRIBED):
            return TWILIO_UNSUBSCRIBED_STATE
        return super()._twilio_error_code_to_odoo_state(response_json)
