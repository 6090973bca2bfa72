from odoo import api, fields, models

from .dealer_mystery_shopper import is_mystery_env


class DealerLeadIntake(models.Model):
    """Intakes of the mystery shopper: flagged as tests by server code only, never merged
    with a real customer's lead (nor a real inquiry with a test lead)."""

    _inherit = "dealer.lead.intake"  # pylint: disable=consider-merging-classes-inherited

    dealer_is_test = fields.Boolean(
        string="Mystery Shopper Test", readonly=True, copy=False, index="btree_not_null",
        help="A synthetic inquiry sent by the built-in mystery shopper.")

    @api.model_create_multi
    def create(self, vals_list):
        if not is_mystery_env(self.env):
            for vals in vals_list:
                vals.pop("dealer_is_test", None)
        return super().create(vals_list)

    def write(self, vals):
        if "dealer_is_test" in vals and not is_mystery_env(self.env):
            vals = {key: value for key, value in vals.items() if key != "dealer_is_test"}
        return super().write(vals)

    def _dealer_find_duplicate(self, inquiry, exclude=None):
        if self.dealer_is_test:
            return self.env["crm.lead"], False
        lead, kind = super()._dealer_find_duplicate(inquiry, exclude=exclude)
        if lead.dealer_is_test:
            return self.env["crm.lead"], False
        return lead, kind

    def _dealer_lead_values(self, inquiry):
        values = super()._dealer_lead_values(inquiry)
        values["dealer_is_test"] = self.dealer_is_test
        return values
