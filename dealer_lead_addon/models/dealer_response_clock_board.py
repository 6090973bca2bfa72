from odoo import models


class DealerResponseClock(models.Model):
    _inherit = "dealer.response.clock"

    def _dealer_sync_leads(self):
        """A clock started, was answered, closed or went overdue: the boards showing these
        leads re-read them."""
        result = super()._dealer_sync_leads()
        self.lead_id._dealer_board_notify("upsert")
        return result
