from xmlrpc import client as xmlrpclib

from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, custom_values=None, save_original=False,
                        strip_attachments=False, thread_id=None):
        """Hand the e-mail exactly as received to the lead intake, which keeps it before
        parsing anything (the bytes given, not a serialisation of the parsed message)."""
        raw = bytes(message.data) if isinstance(message, xmlrpclib.Binary) else message
        return super(MailThread, self.with_context(dealer_raw_email=raw)).message_process(
            model, message, custom_values=custom_values, save_original=save_original,
            strip_attachments=strip_attachments, thread_id=thread_id)

    def _get_notify_valid_parameters(self):
        return super()._get_notify_valid_parameters() | {"dealer_notify_inbox"}

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        """Our own users are told of a text in Odoo's inbox, never texted it: stock ``sms``
        texts every recipient of an SMS-type message (a customer's text posted on a lead would
        text the salesperson, and mark their Odoo notification read).

        ``dealer_notify_inbox``: a staff alert reaches our users in their inbox even when
        they prefer e-mails (see ``dealer.staff.alert``)."""
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        to_inbox = {"sms", "email"} if kwargs.get("dealer_notify_inbox") else {"sms"}
        for recipient in recipients:
            if recipient.get("notif") in to_inbox and recipient.get("type") == "user":
                recipient["notif"] = "inbox"
        return recipients
