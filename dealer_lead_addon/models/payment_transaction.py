from odoo import api, fields, models


class PaymentTransaction(models.Model):
    """A payment made from a service visit's link settles the visit."""

    _inherit = "payment.transaction"

    dealer_service_visit_id = fields.Many2one(
        "dealer.service.visit", string="Service Visit", readonly=True, index="btree_not_null")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            visit = self._dealer_visit_of_reference(vals.get("reference"))
            if visit and vals.get("partner_id") == visit.partner_id.id:
                vals["dealer_service_visit_id"] = visit.id
        return super().create(vals_list)

    @api.model
    def _dealer_visit_of_reference(self, reference):
        """'SRV12' or 'SRV12-1' (Odoo numbers repeated references) -> visit 12."""
        prefix = (reference or "").split("-", 1)[0]
        if not prefix.startswith("SRV") or not prefix[3:].isdigit():
            return self.env["dealer.service.visit"]
        # sudo: the payer is the public user
        return self.env["dealer.service.visit"].sudo().browse(int(prefix[3:])).exists()

    def _post_process(self):
        result = super()._post_process()
        for visit in self.filtered(lambda tx: tx.state == "done").dealer_service_visit_id:
            visit._dealer_paid(visit.payment_transaction_ids)
        return result
