from odoo import api, fields, models

from .dealer_mystery_shopper import MANAGERS, without_forged_test_flag


class CrmLead(models.Model):
    """The flag of the mystery shopper's synthetic leads, written by server code only."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    dealer_is_test = fields.Boolean(
        string="Mystery Shopper Test", readonly=True, copy=False, index="btree_not_null",
        groups=MANAGERS,
        help="A synthetic lead of the built-in mystery shopper: its texts and e-mails reach "
             "only the dealer's own test contact, and it counts in no real figure.")

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([without_forged_test_flag(self.env, vals) for vals in vals_list])

    def write(self, vals):
        return super().write(without_forged_test_flag(self.env, vals))

    @api.model
    def _dealer_test_lead_ids(self, lead_ids):
        """The ids among ``lead_ids`` of mystery shopper leads."""
        lead_ids = [lead_id for lead_id in lead_ids if lead_id]
        if not lead_ids:
            return set()
        # sudo: whether a lead is a test decides where its messages may go, whoever sends
        return set(self.sudo().with_context(active_test=False).search(
            [("id", "in", lead_ids), ("dealer_is_test", "=", True)]).ids)
