from odoo import fields, models

from ..tools import sms_keywords


class DealerSmsInbound(models.Model):
    """A text from a customer with an open service visit goes to that visit (its chatter,
    its advisor, its confirm / reschedule / cancel / call-back handling), not to a lead."""

    _inherit = "dealer.sms.inbound"

    state = fields.Selection(selection_add=[("service", "Service Visit")],
                             ondelete={"service": "set default"})
    service_visit_id = fields.Many2one("dealer.service.visit",
                                       readonly=True, index="btree_not_null")

    def _dealer_route_text(self):
        visit = self.env["dealer.service.visit"]._dealer_open_visit_for(
            self.from_number, self.company_id)
        if not visit or (self.keyword == "stop" and not self._dealer_cancels_visit()):
            return super()._dealer_route_text()
        # "CANCEL" alone is also a carrier opt-out word: the opt-out stands (the carrier
        # blocks our texts anyway) and the appointment is cancelled as asked
        self.write({"state": "keyword" if self.keyword else "service",
                    "service_visit_id": visit.id})
        visit._dealer_receive_reply(self)
        return None

    def _dealer_cancels_visit(self):
        return sms_keywords.normalise(self.body).strip(" .!?") == "cancel"
