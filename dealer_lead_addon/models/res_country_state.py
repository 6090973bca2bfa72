from odoo import api, models, tools


class ResCountryState(models.Model):
    """States answer a cached lookup: a change clears it (``dealer.at.work.cache.mixin``)."""

    _name = "res.country.state"
    _inherit = ("res.country.state", "dealer.at.work.cache.mixin")

    @api.model
    @tools.ormcache("country_id", "code")
    def _dealer_state_id(self, country_id, code):
        """Id of the state of ``country_id`` with ``code`` (an ADF region code), or False.
        Cached: every inquiry with an address looks its region up."""
        return self.search([("country_id", "=", country_id), ("code", "=", code)], limit=1).id
