from odoo import fields, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    dealer_in_rotation = fields.Boolean(
        string="In Rotation", default=True,
        help="Receives new leads by round robin when on shift.")
    dealer_weight = fields.Integer(
        string="Rotation Weight", default=1,
        help="Relative share of new leads: a weight of 2 receives twice as many as 1.")
    dealer_assigned_count = fields.Integer(
        string="Leads Received", default=0, readonly=True, copy=False)
    dealer_last_assigned_at = fields.Datetime(string="Last Lead At", readonly=True, copy=False)

    _dealer_weight_positive = models.Constraint(
        "CHECK(dealer_weight > 0)", "The rotation weight must be positive.")

    def _dealer_rotation_key(self):
        """Weighted fair order: who is furthest below their share goes first, then who waited
        longest, then a stable id order."""
        self.ensure_one()
        return ((self.dealer_assigned_count + 1) / self.dealer_weight,
                self.dealer_last_assigned_at or fields.Datetime.from_string("1970-01-01"),
                self.id)
