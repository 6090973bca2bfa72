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
    dealer_automated = fields.Boolean(
        string="Automated", copy=False, readonly=True,
        default=lambda self: bool(self.env.context.get("dealer_automated")),
        help="Written by the machine (acknowledgement, sequence): never a person's response "
             "for the SLA.")

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

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "cancel":  # the guard's verdict; sending ends in postprocess
            self._dealer_after_outcome()
        return result

    def send_after_commit(self):
        """E-mails leave through the mail queue, woken to run right after this transaction
        commits: never while an HTTP request waits on the mail server."""
        # sudo: whoever posts the message wakes the mail queue
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False,
                                  failure_type=None):
        """The mail server's verdict is known (before auto-deleted mails are removed)."""
        self._dealer_after_outcome()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason,
            failure_type=failure_type)

    def _dealer_after_outcome(self):
        """The acknowledgement of a lead and its SLA learn what happened to the e-mail."""
        Lead = self.env["crm.lead"]
        Lead._dealer_ack_sync_mails(self)
        Lead._dealer_sla_on_mails_sent(self.filtered(
            lambda mail: mail.state == "sent" and not mail.dealer_automated))
