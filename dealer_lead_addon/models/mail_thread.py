from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Hand the raw e-mail to the lead intake, which keeps it before parsing anything."""
        this = self
        if not self.env.context.get("dealer_intake_skip") and any(
                route[0] == "crm.lead" and not route[1] for route in routes or ()):
            this = self.with_context(dealer_raw_email=message.as_string())
        return super(MailThread, this)._message_route_process(message, message_dict, routes)

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
