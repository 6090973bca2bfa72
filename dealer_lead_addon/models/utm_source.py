from odoo import api, models, tools


class UtmSource(models.Model):
    """UTM sources answer a cached lookup: a change clears it (``dealer.at.work.cache.mixin``)."""

    _name = "utm.source"
    _inherit = ("utm.source", "dealer.at.work.cache.mixin")

    @api.model
    @tools.ormcache("name")
    def _dealer_id_by_name(self, name):
        """Id of the UTM source named ``name`` (case-insensitive, archived included, as
        ``utm.mixin._find_or_create_record`` looks it up), or False. Cached: every inquiry
        names its provider."""
        return self.with_context(active_test=False).search(
            [("name", "=ilike", name)], limit=1).id
