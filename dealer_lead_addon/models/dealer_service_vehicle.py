from odoo import api, fields, models
from odoo.fields import Domain


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
    last_tire_service_at = fields.Datetime(
        string="Last Tire Service", compute="_compute_last_tire_service", store=True,
        help="When the vehicle left its last visit with a tire service.")
    last_tire_service_km = fields.Integer(
        string="Mileage at Last Tire Service (km)", compute="_compute_last_tire_service",
        store=True, help="Zero when the visit's mileage is unknown: only the months count.")

    _vin_company_uniq = models.Constraint(
        "UNIQUE(vin, company_id)", "This VIN is already registered.")

    @api.depends("year", "make", "model", "vin")
    def _compute_display_name(self):
        for vehicle in self:
            label = " ".join(str(part) for part in (vehicle.year or "", vehicle.make,
                                                    vehicle.model) if part)
            vehicle.display_name = label or vehicle.vin or self.env._("Vehicle")

    @api.depends("visit_ids.tire_service", "visit_ids.status", "visit_ids.closed_at",
                 "visit_ids.appointment_at", "visit_ids.mileage")
    def _compute_last_tire_service(self):
        for vehicle in self:
            visits = vehicle.visit_ids.filtered(
                lambda visit: visit.tire_service and visit.status == "picked_up")
            last = max(visits, key=lambda visit: visit.closed_at or visit.appointment_at
                       or visit.create_date, default=None)
            vehicle.last_tire_service_at = last and (last.closed_at or last.appointment_at)
            vehicle.last_tire_service_km = last.mileage if last else 0

    @api.model
    def _dealer_tire_due_domain(self, company=None):
        """Vehicles due for tires: never had a tire service here, or the last one is older
        than the company's months, or was that many kilometres ago."""
        company = company or self.env.company
        before = fields.Datetime.subtract(fields.Datetime.now(),
                                          months=company.dealer_tire_months)
        due_by_km = self.search_fetch([("last_tire_service_km", ">", 0)],
                                      ["mileage", "last_tire_service_km"]).filtered(
            lambda vehicle: vehicle.mileage - vehicle.last_tire_service_km
            >= company.dealer_tire_km)
        return Domain.OR([
            [("last_tire_service_at", "=", False)],
            [("last_tire_service_at", "<", before)],
            [("id", "in", due_by_km.ids)],
        ])

    def _compute_visit_count(self):
        counts = dict(self.env["dealer.service.visit"]._read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]))
        for vehicle in self:
            vehicle.visit_count = counts.get(vehicle, 0)

    @api.model
    def _normalise_vin(self, vin):
        return "".join((vin or "").split()).upper() or False
