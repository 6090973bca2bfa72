from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import html2plaintext

THREAD_LIMIT = 200
# what a text's notification says about it, as the thread shows it
NOTIFICATION_STATUS = {
    "ready": "queued",
    "process": "sending",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "canceled",
}


class DealerConversation(models.AbstractModel):
    """Every text exchanged with one customer, across all their leads and service visits.

    The customer is the lead's contact, else its phone (E.164): two leads of the same person
    are one conversation, another customer's never. Inbound texts are the messages posted by
    ``dealer.sms.inbound``; outbound ones carry an SMS notification whose status (queued,
    sent, delivered, failed, canceled by the guard) is what the provider last said. Records
    are read with the user's own rights.
    """

    _name = "dealer.conversation"
    _description = "Customer Conversation"

    @api.model
    def _dealer_leads(self, lead):
        """The customer's leads the user may read, archived (lost) ones included."""
        parts = []
        if lead.partner_id:
            parts.append([("partner_id", "=", lead.partner_id.id)])
        if lead.phone_sanitized:
            parts.append([("phone_sanitized", "=", lead.phone_sanitized)])
        if not parts:
            return lead
        domain = parts[0] if len(parts) == 1 else ["|", *parts[0], *parts[1]]
        return self.env["crm.lead"].with_context(active_test=False).search(
            domain + [("company_id", "in", [lead.company_id.id, False])]) | lead

    @api.model
    def _dealer_visits(self, lead):
        """The customer's service visits, when the user may read them."""
        Visit = self.env["dealer.service.visit"]
        if not lead.partner_id or not Visit.has_access("read"):
            return Visit
        return Visit.search([("partner_id", "=", lead.partner_id.id)])

    @api.model
    def _dealer_messages(self, *recordsets):
        """The texts posted on the records of ``recordsets`` (already read with the user's
        rights), oldest first."""
        domain = Domain.OR(
            Domain("model", "=", records._name) & Domain("res_id", "in", records.ids)
            for records in recordsets if records)
        # sudo: only the texts of documents the user was just allowed to read
        messages = self.env["mail.message"].sudo().search(
            Domain("message_type", "=", "sms") & domain, order="id desc", limit=THREAD_LIMIT)
        return messages.sorted("id")

    @api.model
    def _dealer_data(self, lead):
        """The thread, the composer's quick replies and whether it may send, as JSON."""
        lead.check_access("read")
        leads = self._dealer_leads(lead)
        visits = self._dealer_visits(lead)
        messages = self._dealer_messages(leads, visits)
        titles = {("crm.lead", rec.id): rec.name for rec in leads}
        titles.update({("dealer.service.visit", rec.id): rec.name for rec in visits})
        replies = self.env["dealer.quick.reply"]._dealer_for_lead(lead)
        return {
            "lead_id": lead.id,
            "lead_ids": leads.ids,
            "customer": lead._dealer_customer_name() or lead.phone or "",
            "phone": lead.phone_sanitized or lead.phone or "",
            "phone_national": lead.dealer_phone_national or lead.phone or "",
            "lang": lead._dealer_customer_lang(),
            "refusal": self._dealer_refusal(lead),
            "can_video": self.env["dealer.video.session"]._dealer_video_configured(),
            "quick_replies": [{"id": reply.id, "name": reply.name,
                               "body": reply._dealer_render(lead)} for reply in replies],
            "messages": self._dealer_message_values(messages, titles),
        }

    @api.model
    def _dealer_message_values(self, messages, titles):
        """Each text as the thread shows it: side, words, when, status of an outbound one."""
        notifications = messages.notification_ids.filtered(
            lambda n: n.notification_type == "sms")
        # sudo: the queue row only says until when the guard holds a text (quiet hours)
        held = {sms.mail_message_id.id: sms.dealer_not_before
                for sms in self.env["sms.sms"].sudo().search([
                    ("mail_message_id", "in", messages.ids), ("state", "=", "outgoing"),
                    ("dealer_not_before", ">", fields.Datetime.now())])}
        reasons = dict(self.env["mail.notification"]._fields["failure_type"]
                       ._description_selection(self.env))
        values = []
        for message in messages:
            sent = notifications.filtered(lambda n, m=message: n.mail_message_id == m)[:1]
            status = NOTIFICATION_STATUS.get(sent.notification_status, "") if sent else ""
            if status == "queued" and message.id in held:
                status = "held"
            values.append({
                "id": message.id,
                "direction": "out" if sent else "in",
                "body": html2plaintext(message.body or "").strip(),
                "date": fields.Datetime.to_string(message.date),
                "author": message.author_id.name or message.email_from or "",
                "record": titles.get((message.model, message.res_id), ""),
                "record_model": message.model,
                "record_id": message.res_id,
                "status": status,
                "held_until": fields.Datetime.to_string(held.get(message.id)) or "",
                "reason": (sent.failure_reason or reasons.get(sent.failure_type, "")
                           if status in ("failed", "canceled") else ""),
            })
        return values

    @api.model
    def _dealer_refusal(self, lead):
        """Why no text may go to this customer now, or '' (checked again by the guard where
        the text leaves)."""
        if not lead.phone_sanitized:
            return self.env._("No valid mobile number for this customer.")
        if lead.phone_sanitized_blacklisted:
            return self.env._("The customer opted out of texts (STOP).")
        valid = self.env["dealer.consent"]._dealer_valid_contacts(
            "sales", phones=[lead.phone_sanitized])
        if lead.phone_sanitized not in valid:
            return self.env._("No valid consent to text this customer.")
        return ""

    @api.model
    def _dealer_send(self, lead, body):
        """Text ``body`` to the lead's customer as the current user, through the one outbound
        door (purpose 'sales', a person's answer). Refused with a reason the composer shows.

        :return: the ``sms.sms`` queued
        """
        body = (body or "").strip()
        if not body:
            raise UserError(self.env._("Write the text first."))
        refusal = self._dealer_refusal(lead)
        if refusal:
            raise UserError(refusal)
        return self.env["dealer.outbound"]._send_sms(
            lead, body, purpose="sales", number=lead.phone_sanitized,
            partner=lead.partner_id or None, author=self.env.user, automated=False)
