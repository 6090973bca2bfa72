from odoo import api, models


class DealerAtWorkCacheMixin(models.AbstractModel):
    """Who is at work at a given moment is cached (``resource.calendar._dealer_at_work_ids``),
    and so is each team's rotation (``crm.team._dealer_rotation``): any change to the hours,
    leaves, resources or team members that answer them clears those caches in every worker
    (and a rollback clears them again, through the registry's ``reset_changes``). An archived
    or restored user clears them too (``res.users.write``)."""

    _name = "dealer.at.work.cache.mixin"
    _description = "Clears the cached at-work answers"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
