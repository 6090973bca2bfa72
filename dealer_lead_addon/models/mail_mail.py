from odoo import api, fields, models
from odoo.tools import email_normalize_all

from ..tools.records import data_record
from ..tools.video_token import VIDEO_LINK_PLACEHOLDER
from .dealer_consent import PURPOSES_NEEDING_CONSENT
from .dealer_outbound import DEALER_PURPOSES, SALES_DOCUMENTS, server_send

# account mails (password reset, invitation, portal access) were asked for by the person: no
# opt-out list nor consent may stop them. They are about the user record, or about no record
# at all (auth_signup's password reset is a bare user notification)
ACCOUNT_MODELS = ("res.users",)


class MailMail(models.Model):
    """Every e-mail to a customer meets the opt-out list and, for sales and marketing
    purposes, the consent ledger, in ``_send``: the addon's own, the composer's, chatter
    notifications and mass mailings alike (see ``_dealer_guard_purpose``)."""

    _inherit = "mail.mail"

    dealer_purpose = fields.Selection(
        selection=DEALER_PURPOSES,
        readonly=True,
        help="Why this e-mail is sent by the dealer addon; consent rules depend on it. Set by "
             "the addon's code, never by the caller; empty for the e-mails of other features.",
    )
    dealer_automated = fields.Boolean(
        string="Automated", copy=False, readonly=True,
        default=lambda self: bool(self.env.context.get("dealer_automated")),
        help="Written by the machine (acknowledgement, sequence): never a person's response "
             "for the SLA.")

    @api.model_create_multi
    def create(self, vals_list):
        send = server_send(self.env)
        for vals in vals_list:
            # always written, so that neither values nor a default_* context key can set it
            vals["dealer_purpose"] = send.purpose if send else False
        mails = super().create(vals_list)
        mails.filtered(lambda mail: VIDEO_LINK_PLACEHOLDER in (
            mail.body_html or ""))._dealer_mint_video_links()
        return mails

    def _dealer_mint_video_links(self):
        """The customer's video link minted in each e-mail to a customer about a lead, now
        that it is created for sending (rendering the template only wrote a placeholder); our
        own users' copies get no link."""
        customers = self._dealer_customer_recipients()
        Lead = self.env["crm.lead"]
        for mail in self:
            lead_id = mail.res_id if mail.model == "crm.lead" and customers[mail] else False
            mail.body_html = Lead._dealer_video_mint_links(lead_id, mail.body_html)

    def write(self, vals):
        if "dealer_purpose" in vals and not server_send(self.env):
            vals = {key: value for key, value in vals.items() if key != "dealer_purpose"}
        result = super().write(vals)
        if vals.get("state") == "cancel":  # the guard's verdict; sending ends in postprocess
            self._dealer_after_outcome()
        return result

    def _send(self, *args, **kwargs):
        """The last step before the mail server: no e-mail leaves for a customer address on the
        opt-out list (``mail.blacklist``), nor without the consent its purpose needs
        (``dealer.consent``)."""
        outgoing = self.filtered(lambda mail: mail.state == "outgoing")
        customers = outgoing._dealer_customer_recipients()
        purposes = {mail: mail._dealer_guard_purpose(customers[mail]) for mail in outgoing}
        checked = outgoing.filtered(lambda mail: purposes[mail])
        opted_out = checked._dealer_opted_out(customers)
        if opted_out:
            opted_out.write({
                "state": "cancel",
                "failure_type": "mail_bl",
                "failure_reason": self.env._("The recipient opted out of e-mails."),
            })
        no_consent = (checked - opted_out)._dealer_without_consent(customers, purposes)
        if no_consent:
            no_consent.write({
                "state": "cancel",
                "failure_type": "mail_bl",
                "failure_reason": self.env._(
                    "The recipient has no valid consent for this kind of e-mail."),
            })
        return super(MailMail, self - opted_out - no_consent)._send(*args, **kwargs)

    def _dealer_guard_purpose(self, customers):
        """The purpose the guard applies to this e-mail, or False when it is not checked.

        - no customer among the recipients (notifications to our own users): not checked;
        - set by the addon's code: that purpose;
        - a mass mailing: 'marketing';
        - an account mail (about a user, or a notification about no record: password reset,
          invitation): not checked;
        - the message of another app's document (an invoice, an order): transactional, not
          checked (Odoo's opt-out list is about commercial e-mails);
        - anything else to a customer (composer, chatter, automations on leads and contacts):
          'sales'.
        """
        self.ensure_one()
        if not customers:
            return False
        if self.dealer_purpose:
            return self.dealer_purpose
        if "mailing_id" in self._fields and self.mailing_id:
            return "marketing"
        if self.model in ACCOUNT_MODELS or (
                not self.model and self.message_type == "user_notification"):
            return False
        if self.model and self.model not in SALES_DOCUMENTS:
            return False
        return "sales"

    def _dealer_recipients(self):
        return set(email_normalize_all(self.email_to or "")) | set(
            self.recipient_ids.mapped("email_normalized"))

    def _dealer_customer_recipients(self):
        """``{mail: its recipients' normalised addresses, our internal users' left out}``"""
        recipients = {mail: mail._dealer_recipients() - {False} for mail in self}
        addresses = list(set().union(*recipients.values())) if recipients else []
        if not addresses:
            return recipients
        # sudo: whether an address is one of our users' decides the rules, whoever sends
        internal = set(self.env["res.users"].sudo().search([
            ("share", "=", False), ("email_normalized", "in", addresses)]).mapped(
            "email_normalized"))
        return {mail: found - internal for mail, found in recipients.items()}

    def _dealer_without_consent(self, customers, purposes):
        """The e-mails of a sales or marketing purpose with a customer who holds no valid
        consent of that purpose."""
        result = self.browse()
        Consent = self.env["dealer.consent"]
        for purpose in PURPOSES_NEEDING_CONSENT:
            mails = self.filtered(lambda mail, p=purpose: purposes[mail] == p)
            if not mails:
                continue
            valid = Consent._dealer_valid_contacts(
                purpose, emails=list(set().union(*(customers[mail] for mail in mails))))
            result |= mails.filtered(lambda mail, v=valid: customers[mail] - v)
        return result

    def _dealer_opted_out(self, customers):
        """The e-mails with a customer on the opt-out list."""
        addresses = list(set().union(*(customers[mail] for mail in self))) if self else []
        if not addresses:
            return self.browse()
        # sudo: the opt-out list must be honoured whoever sends
        blocked = set(self.env["mail.blacklist"].sudo().search(
            [("email", "in", addresses)]).mapped("email"))
        return self.filtered(lambda mail: customers[mail] & blocked)

    def send_after_commit(self):
        """E-mails leave through the mail queue, woken to run right after this transaction
        commits: never while an HTTP request waits on the mail server."""
        # sudo: whoever posts the message wakes the mail queue
        data_record(self.env, "mail.ir_cron_mail_scheduler_action").sudo()._trigger()

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
