from odoo import models


class SmsSms(models.Model):
    """The service visits' part of the SMS queue, kept with the service models."""

    # one area a file: the service visits' hook beside the service models
    _inherit = "sms.sms"  # pylint: disable=consider-merging-classes-inherited

    def _dealer_after_result(self):
        """An advisor's text to a customer answers the visit's waiting text."""
        result = super()._dealer_after_result()
        self.env["dealer.service.visit"]._dealer_sla_on_texts_left(self.filtered(
            lambda sms: sms.state in ("pending", "sent") and not sms.dealer_automated))
        return result
