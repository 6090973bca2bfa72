import re

from odoo import fields, models

# a payment link: ours (a visit's) or Odoo's payment page
PAYMENT_LINK = re.compile(r"/dealer_lead/service/pay/|/payment/pay\b")


class SmsSms(models.Model):
    """The service visits' part of the SMS queue, kept with the service models."""

    # one area a file: the service visits' hook beside the service models
    _inherit = "sms.sms"  # pylint: disable=consider-merging-classes-inherited

    failure_type = fields.Selection(selection_add=[
        ("dealer_payment_link", "Payment Link in a Promotion"),
    ])

    def _dealer_guard(self):
        """A payment link never rides in a promotional text: whoever wrote it, the text is
        not sent (a promotion with a link to pay is how phishing looks)."""
        promotions = self.filtered(lambda sms: sms.dealer_purpose == "marketing"
                                   and PAYMENT_LINK.search(sms.body or ""))
        if promotions:
            promotions._update_sms_state_and_trackers(
                "canceled", failure_type="dealer_payment_link")
        return super(SmsSms, self - promotions)._dealer_guard()

    def _dealer_after_result(self):
        """An advisor's text to a customer answers the visit's waiting text."""
        result = super()._dealer_after_result()
        self.env["dealer.service.visit"]._dealer_sla_on_texts_left(self.filtered(
            lambda sms: sms.state in ("pending", "sent") and not sms.dealer_automated))
        return result
