from odoo import models
from odoo.tools import email_normalize


class MailMail(models.Model):
    """E-mails about a mystery shopper's test lead reach only the company's synthetic
    address (notifications to our own users are not customer e-mails: they still leave)."""

    _inherit = "mail.mail"  # pylint: disable=consider-merging-classes-inherited

    def _send(self, *args, **kwargs):
        off_limits = self._dealer_mystery_off_limits()
        if off_limits:
            off_limits.write({
                "state": "cancel",
                "failure_type": "mail_bl",
                "failure_reason": self.env._(
                    "Mystery shopper test lead: e-mails go only to the test address."),
            })
        return super(MailMail, self - off_limits)._send(*args, **kwargs)

    def _dealer_mystery_off_limits(self):
        outgoing = self.filtered(
            lambda mail: mail.state == "outgoing" and mail.model == "crm.lead" and mail.res_id)
        tests = self.env["crm.lead"]._dealer_test_lead_ids(outgoing.mapped("res_id"))
        outgoing = outgoing.filtered(lambda mail: mail.res_id in tests)
        if not outgoing:
            return outgoing
        customers = outgoing._dealer_customer_recipients()
        Shopper = self.env["dealer.mystery.shopper"]

        def off_limits(mail):
            # sudo: the lead's company says which address is the synthetic one
            company = self.env["crm.lead"].sudo().browse(mail.res_id).company_id
            allowed = {email_normalize(Shopper._dealer_mystery_contact(
                company or self.env.company)[1] or "")} - {False}
            return bool(customers[mail] - allowed)

        return outgoing.filtered(off_limits)
