"""The SMS sandbox's "provider": texts are kept in Odoo (``dealer.sms.sandbox.message``)
instead of leaving, for demos and development. Used for the companies whose SMS provider is
``dealer_sandbox``; it never calls a network service."""

from odoo.addons.sms.tools.sms_api import SmsApiBase


class DealerSmsApiSandbox(SmsApiBase):
    def _send_sms_batch(self, messages, delivery_reports_url=False):
        """Keep each text on the sandbox phone of its number; every text is delivered."""
        return self.env["dealer.sms.sandbox.message"]._dealer_deliver(self.company, messages)
