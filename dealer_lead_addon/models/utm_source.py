from odoo import api, models, tools


class UtmSource(models.Model):
    _inherit = "utm.source"

    @api.model
    @tools.ormcache("name")
    def _dealer_id_by_name(self, name):
        """Id of the UTM source named ``name`` (case-insensitive, archived included, as
        ``utm.mixin._find_or_create_record`` looks it up), or False. Cached: every inquiry
        names its provider. Cleared when sources change."""
        return self.with_context(active_test=False).search(
            [("name", "=ilike", name)], limit=1).id

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _dealer_id_by_name
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals:
            self.env.registry.clear_cache()  # _dealer_id_by_name
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _dealer_id_by_name
        return super().unlink()
