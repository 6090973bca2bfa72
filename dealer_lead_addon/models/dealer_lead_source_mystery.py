from datetime import timedelta

from odoo import fields, models

from .dealer_mystery_shopper import MANAGERS


class DealerLeadSource(models.Model):
    """The mystery shopper's schedule of a source (off by default): managers only, a
    salesperson who knew when the tests come would know which leads they are."""

    _inherit = "dealer.lead.source"  # pylint: disable=consider-merging-classes-inherited

    dealer_mystery_interval_hours = fields.Integer(
        string="Mystery Shopper Frequency (hours)", default=0, groups=MANAGERS,
        help="A synthetic test inquiry enters this source's channel this often, to measure "
             "the acknowledgement and the first human answer. 0: off.")
    dealer_mystery_channel = fields.Selection(
        [("http", "HTTP API (JSON)"), ("email", "E-mail (ADF)")],
        string="Mystery Shopper Channel", default="http", required=True, groups=MANAGERS,
        help="How the provider of this source sends its leads: the test inquiry takes the "
             "same way.")
    dealer_mystery_last_at = fields.Datetime(
        string="Last Mystery Shopper", readonly=True, copy=False, groups=MANAGERS)

    def _dealer_mystery_due(self, now):
        self.ensure_one()
        if self.dealer_mystery_interval_hours <= 0:
            return False
        last = self.dealer_mystery_last_at
        return not last or last + timedelta(hours=self.dealer_mystery_interval_hours) <= now

    def _dealer_mystery_sender(self):
        """The sender address of the source's e-mails (its first full address)."""
        self.ensure_one()
        addresses = [p.strip() for p in (self.email_match or "").split(",") if "@" in p]
        return addresses[0] if addresses else False

    def action_dealer_mystery_send_now(self):
        """Send one test inquiry now (a manager checks the whole chain)."""
        self.ensure_one()
        self.env["dealer.lead.source"].check_access("write")
        intake = self.env["dealer.mystery.shopper"]._dealer_mystery_send(self)
        return intake.action_open_lead() if intake.lead_id else False
