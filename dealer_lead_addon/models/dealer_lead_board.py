from odoo import api, fields, models
from odoo.fields import Domain

BOARD_LIMIT = 200


class DealerLeadBoard(models.AbstractModel):
    """What the live lead board shows: the leads waiting for a human answer, as JSON.

    The board (an OWL client action) reads this again whenever the bus says one of its leads
    changed (``dealer_lead/board``); everything goes through the user's own access rights.
    """

    _name = "dealer.lead.board"
    _description = "Live Lead Board"

    @api.model
    def _dealer_domain(self):
        """Leads still waiting for their answer that this user must see: their own, and the
        unclaimed leads of their up-for-grabs teams. Managers see every waiting lead."""
        waiting = Domain([("dealer_sla_deadline", "!=", False), ("active", "=", True)])
        if self.env.user.has_group("dealer_lead_addon.group_dealer_lead_manager"):
            return waiting
        user = self.env.user
        grabs = Domain([("team_id.dealer_up_for_grabs", "=", True),
                        ("dealer_claimed_by_id", "=", False), ("user_id", "=", False),
                        ("team_id.member_ids", "in", user.ids)])
        return waiting & (Domain("user_id", "=", user.id) | grabs)

    @api.model
    def _dealer_data(self):
        leads = self.env["crm.lead"].search(
            self._dealer_domain(), order="dealer_sla_deadline, id", limit=BOARD_LIMIT)
        can_video = hasattr(leads, "action_dealer_send_video_link")
        return {
            "now": fields.Datetime.to_string(fields.Datetime.now()),
            "can_video": can_video,
            "is_manager": self.env.user.has_group(
                "dealer_lead_addon.group_dealer_lead_manager"),
            "leads": [self._dealer_lead_values(lead) for lead in leads],
        }

    @api.model
    def _dealer_lead_values(self, lead):
        first = lead.dealer_sla_clock_ids.filtered(lambda c: c.kind == "first")[:1]
        received = first.started_at or lead.dealer_request_date or lead.create_date
        return {
            "id": lead.id,
            "name": lead.name,
            "customer": lead._dealer_customer_name() or lead.email_from or "",
            "phone": lead.phone or "",
            "phone_national": lead.dealer_phone_national or "",
            "source": lead.dealer_source_id.name or lead.source_id.name or "",
            "vehicle": lead.dealer_vehicle_summary or "",
            "received": fields.Datetime.to_string(received),
            "deadline": fields.Datetime.to_string(lead.dealer_sla_deadline),
            "sla_state": lead.dealer_sla_state or "",
            "holder": lead.user_id.name or "",
            "mine": lead.user_id == self.env.user,
            "claimable": lead.dealer_claimable,
        }
