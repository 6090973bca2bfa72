from odoo import api, models, tools


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    @api.model
    @tools.ormcache("country_id", "code")
    def _dealer_state_id(self, country_id, code):
        """Id of the state of ``country_id`` with ``code`` (an ADF region code), or False.
        Cached: every inquiry with an address looks its region up. Cleared when states
        change."""
        return self.search([("country_id", "=", country_id), ("code", "=", code)], limit=1).id

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _dealer_state_id
        return super().create(vals_list)

    def write(self, vals):
        if {"country_id", "code"}.intersection(vals):
            self.env.registry.clear_cache()  # _dealer_state_id
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _dealer_state_id
        return super().unlink()
