from odoo import api, fields, models
from odoo.tools import email_normalize_all

from .dealer_consent import PURPOSES_NEEDING_CONSENT
from .dealer_outbound import DEALER_PURPOSES


class MailMail(models.Model):
    _inherit = "mail.mail"

    dealer_purpose = fields.Selection(
        selection=DEALER_PURPOSES,
        string="Dealer Purpose",
        help="Why this e-mail is sent by the dealer addon; consent rules depend on it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        purpose = self.env.context.get("dealer_purpose")
        if purpose:
            for vals in vals_list:
                vals.setdefault("dealer_purpose", purpose)
        return super().create(vals_list)

    def _send(self, *args, **kwargs):
        """The last step before the mail server: an e-mail of this addon never leaves for an
        address on the opt-out list (``mail.blacklist``), nor without the consent its purpose
        needs (``dealer.consent``)."""
        opted_out = self._dealer_opted_out()
        if opted_out:
            opted_out.write({
                "state": "cancel",
                "failure_type": "mail_bl",
                "failure_reason": self.env._("The recipient opted out of e-mails."),
            })
        no_consent = (self - opted_out)._dealer_without_consent()
        if no_consent:
            no_consent.write({
                "state": "cancel",
                "failure_type": "mail_bl",
                "failure_reason": self.env._(
                    "The recipient has no valid consent for this kind of e-mail."),
            })
        return super(MailMail, self - opted_out - no_consent)._send(*args, **kwargs)

    def _dealer_recipients(self):
        return set(email_normalize_all(self.email_to or "")) | set(
            self.recipient_ids.mapped("email_normalized"))

    def _dealer_without_consent(self):
        """Sales and marketing e-mails with a recipient who holds no valid consent of that
        purpose."""
        result = self.browse()
        Consent = self.env["dealer.consent"]
        for purpose in PURPOSES_NEEDING_CONSENT:
            mails = self.filtered(lambda mail, p=purpose: mail.dealer_purpose == p
                                  and mail.state == "outgoing")
            if not mails:
                continue
            recipients = {mail: mail._dealer_recipients() for mail in mails}
            valid = Consent._dealer_valid_contacts(
                purpose, emails=list(set().union(*recipients.values())))
            result |= mails.filtered(lambda mail, r=recipients, v=valid: r[mail] - v)
        return result

    def _dealer_opted_out(self):
        """Outgoing mails of this addon with a recipient on the opt-out list."""
        mails = self.filtered(lambda mail: mail.dealer_purpose and mail.state == "outgoing")
        if not mails:
            return mails
        recipients = {mail: mail._dealer_recipients() for mail in mails}
        # sudo: the opt-out list must be honoured whoever sends
        blocked = set(self.env["mail.blacklist"].sudo().search(
            [("email", "in", list(set().union(*recipients.values())))]).mapped("email"))
        return mails.filtered(lambda mail: recipients[mail] & blocked)

    def _dealer_send_now(self):
        """Send the mails still waiting, as the queue cron would (post-commit sending)."""
        self.filtered(lambda mail: mail.state == "outgoing").send(raise_exception=False)
