"""The lead's conversation view: every text with the customer across their leads, and its
composer (see models/dealer_conversation.py).

Bus contract: ``dealer_lead/conversation`` ``{lead_id}`` is sent to the people who see the
lead on a board (its team's members and leader, its holder) whenever a text is posted on it
(inbound or outbound) or an outbound text changes status.
"""

from odoo import models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    # the conversation side of the lead, apart from the lead's own file
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    def action_dealer_conversation(self):
        """Open the customer's conversation (lead form button, live board)."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "dealer_lead_conversation",
            "name": self.env._("Conversation with %s",
                               self._dealer_customer_name() or self.phone or self.name),
            "params": {"lead_id": self.id},
        }

    def dealer_conversation_data(self):
        self.ensure_one()
        return self.env["dealer.conversation"]._dealer_data(self)

    def dealer_conversation_send(self, body):
        """Text ``body`` to the customer from the composer; the thread as it is now."""
        self.ensure_one()
        self.env["dealer.conversation"]._dealer_send(self, body)
        return self.dealer_conversation_data()

    def dealer_conversation_send_video(self):
        """Text the customer their live video link from the composer."""
        self.ensure_one()
        self.env["dealer.video.session"]._dealer_require_configured()
        refusal = self._dealer_video_link_refusal("sms")
        if refusal:
            raise UserError(self.env._("The video link cannot be texted: %s.", refusal))
        self._dealer_video_send_link("sms")
        return self.dealer_conversation_data()

    def _dealer_quick_reply_values(self):
        """What the placeholders of a quick reply stand for on this lead."""
        self.ensure_one()
        name = self._dealer_customer_name()
        return {
            "first_name": name.split()[0] if name else "",
            "salesperson": self.env.user.name or "",
            "dealer": self.company_id.name or self.env.company.name or "",
            "vehicle": self.dealer_vehicle_summary or "",
        }

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if kwargs.get("message_type") == "sms":
            self._dealer_conversation_notify()
        return message

    def _dealer_conversation_notify(self):
        """Tell the open conversations of these leads that a text arrived or changed."""
        for lead in self:
            audience = lead._dealer_board_audience()
            if audience:
                audience._bus_send("dealer_lead/conversation", {"lead_id": lead.id})
