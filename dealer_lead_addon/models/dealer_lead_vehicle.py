from odoo import api, fields, models


class DealerLeadVehicle(models.Model):
    """A vehicle named in an inquiry: the one the customer wants, or the one they trade in."""

    _name = "dealer.lead.vehicle"
    _description = "Vehicle of an Inquiry"
    _order = "lead_id, sequence, id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    interest = fields.Selection(
        [("buy", "Buy"), ("lease", "Lease"), ("test-drive", "Test Drive"),
         ("trade-in", "Trade-in / Sell")],
        required=True, default="buy")
    condition = fields.Selection([("new", "New"), ("used", "Used")], default="new")
    year = fields.Integer()
    make = fields.Char()
    model = fields.Char()
    trim = fields.Char()
    vin = fields.Char(string="VIN")
    stock_number = fields.Char(string="Stock #")
    price = fields.Float()
    odometer = fields.Integer()
    odometer_unit = fields.Selection([("km", "km"), ("mi", "mi")])
    comments = fields.Text()

    @api.depends("year", "make", "model", "trim")
    def _compute_display_name(self):
        for vehicle in self:
            parts = [str(vehicle.year) if vehicle.year else "", vehicle.make or "",
                     vehicle.model or "", vehicle.trim or ""]
            vehicle.display_name = " ".join(p for p in parts if p) or vehicle.vin or self.env._(
                "Vehicle")
