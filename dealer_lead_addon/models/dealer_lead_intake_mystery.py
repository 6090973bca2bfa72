from odoo import api, fields, models

from .dealer_mystery_shopper import MANAGERS, without_forged_test_flag


class DealerLeadIntake(models.Model):
    """Intakes of the mystery shopper: flagged as tests by server code only, never merged
    with a real customer's lead (nor a real inquiry with a test lead)."""

    _inherit = "dealer.lead.intake"  # pylint: disable=consider-merging-classes-inherited

    dealer_is_test = fields.Boolean(
        string="Mystery Shopper Test", readonly=True, copy=False, index="btree_not_null",
        groups=MANAGERS,
        help="A synthetic inquiry sent by the built-in mystery shopper.")

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([without_forged_test_flag(self.env, vals) for vals in vals_list])

    def write(self, vals):
        return super().write(without_forged_test_flag(self.env, vals))

    def _dealer_find_duplicate(self, inquiry, exclude=None, holder=None):
        if self.dealer_is_test:
            return self.env["crm.lead"], False
        lead, kind = super()._dealer_find_duplicate(inquiry, exclude=exclude, holder=holder)
        if lead.dealer_is_test:
            return self.env["crm.lead"], False
        return lead, kind

    def _dealer_lead_values(self, inquiry):
        values = super()._dealer_lead_values(inquiry)
        values["dealer_is_test"] = self.dealer_is_test
        return values
