from odoo import fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        # sudo: whether a company's own address changed, whoever edits the partner
        if "country_id" in vals and self.env["res.company"].sudo().search_count(
                [("partner_id", "in", self.ids)], limit=1):
            self.env["res.company"]._dealer_forget_countries()
        return result

    dealer_vehicle_ids = fields.One2many(
        "dealer.service.vehicle", "partner_id", string="Vehicles")
    dealer_tire_due = fields.Boolean(
        string="Due for Tires", compute="_compute_dealer_tire_due",
        search="_search_dealer_tire_due",
        help="One of the customer's vehicles is due for tires: its last tire service here is "
             "older than the months set in the settings, or that many kilometres ago. "
             "Target of tire campaigns (mailing filter: Due for Tires is set).")

    def _compute_dealer_tire_due(self):
        due = set(self.search([("id", "in", self.ids), ("dealer_tire_due", "=", True)]).ids)
        for partner in self:
            partner.dealer_tire_due = partner.id in due

    def _search_dealer_tire_due(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        Vehicle = self.env["dealer.service.vehicle"]
        domain = Domain("dealer_vehicle_ids", "any", Vehicle._dealer_tire_due_domain())
        return domain if (operator == "in") == (True in value) else ~domain
