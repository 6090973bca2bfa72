from odoo import api, fields, models


class DealerServiceVehicle(models.Model):
    """A customer's vehicle, and its service history (the visits)."""

    _name = "dealer.service.vehicle"
    _description = "Customer Vehicle"
    _inherit = "mail.thread"
    _order = "partner_id, year desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade",
        tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    vin = fields.Char(string="VIN", size=17, index="btree_not_null", tracking=True)
    year = fields.Integer()
    make = fields.Char()
    model = fields.Char()
    mileage = fields.Integer(string="Mileage (km)", tracking=True,
                             help="Odometer at the last visit.")
    plate = fields.Char(string="Licence Plate")
    visit_ids = fields.One2many("dealer.service.visit", "vehicle_id", string="Service History")
    visit_count = fields.Integer(compute="_compute_visit_count")

    _vin_company_uniq = models.Constraint(
        "UNIQUE(vin, company_id)", "This VIN is already registered.")

    @api.depends("year", "make", "model", "vin")
    def _compute_display_name(self):
        for vehicle in self:
            label = " ".join(str(part) for part in (vehicle.year or "", vehicle.make,
                                                    vehicle.model) if part)
            vehicle.display_name = label or vehicle.vin or self.env._("Vehicle")

    def _compute_visit_count(self):
        counts = dict(self.env["dealer.service.visit"]._read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]))
        for vehicle in self:
            vehicle.visit_count = counts.get(vehicle, 0)

    @api.model
    def _normalise_vin(self, vin):
        return "".join((vin or "").split()).upper() or False
