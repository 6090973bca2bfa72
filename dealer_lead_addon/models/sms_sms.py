from odoo import api, fields, models

from .dealer_outbound import DEALER_PURPOSES


class SmsSms(models.Model):
    _inherit = "sms.sms"

    dealer_purpose = fields.Selection(
        selection=DEALER_PURPOSES,
        string="Purpose",
        help="Why this text is sent; consent and quiet-hour rules depend on it.",
    )
    dealer_urgent = fields.Boolean(string="Urgent", help="Urgent texts ignore quiet hours.")

    @api.model_create_multi
    def create(self, vals_list):
        purpose = self.env.context.get("dealer_purpose")
        if purpose:
            urgent = bool(self.env.context.get("dealer_urgent"))
            for vals in vals_list:
                vals.setdefault("dealer_purpose", purpose)
                vals.setdefault("dealer_urgent", urgent)
        return super().create(vals_list)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """The last step before the provider: no text ever leaves for an opted-out number,
        whichever feature (ours, Odoo's composer, a calendar reminder) created it."""
        opted_out = self._dealer_opted_out()
        if opted_out:
            opted_out._update_sms_state_and_trackers("canceled", failure_type="sms_blacklist")
        to_send = self - opted_out
        if not to_send:
            return None
        return super(SmsSms, to_send)._send(
            unlink_failed=unlink_failed, unlink_sent=unlink_sent,
            raise_exception=raise_exception)

    def _dealer_opted_out(self):
        """The texts of ``self`` whose number is on the opt-out list (``phone.blacklist``)."""
        # sudo: the opt-out list must be honoured whoever sends
        blocked = set(self.env["phone.blacklist"].sudo().search(
            [("number", "in", self.mapped("number"))]).mapped("number"))
        return self.filtered(lambda sms: sms.number in blocked)

    def _dealer_send_now(self):
        """Send the texts still waiting, as the queue cron would (post-commit sending)."""
        to_send = self.filtered(lambda sms: sms.state == "outgoing" and not sms.to_delete)
        if to_send:  # sms.sms.send() is not meant for an empty recordset
            to_send.send(unlink_failed=False, unlink_sent=True, raise_exception=False)
