from odoo import models


class DealerResponseClock(models.Model):
    _inherit = "dealer.response.clock"

    def _dealer_sync_leads(self):
        """A clock started, was answered, closed or went overdue: the boards showing the leads
        whose deadline or state changed re-read them (one notification per change, not per
        cron pass)."""
        leads = self.lead_id
        before = {lead.id: (lead.dealer_sla_deadline, lead.dealer_sla_state) for lead in leads}
        result = super()._dealer_sync_leads()
        leads.filtered(
            lambda lead: before[lead.id] != (lead.dealer_sla_deadline, lead.dealer_sla_state)
        )._dealer_board_notify()
        return result
