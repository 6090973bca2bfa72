from odoo import api, models


class DealerAtWorkCacheMixin(models.AbstractModel):
    """The addon caches answers read at every inquiry from data that rarely changes: who is at
    work at a given moment (``resource.calendar._dealer_at_work_ids``), each team's rotation
    (``crm.team._dealer_rotation``), regions (``res.country.state._dealer_state_id``) and
    providers' UTM sources (``utm.source._dealer_id_by_name``). Any change to the hours,
    leaves, resources, team members, states or UTM sources that answer them clears those
    caches in every worker (and a rollback clears them again, through the registry's
    ``reset_changes``). An archived or restored user clears them too (``res.users.write``)."""

    _name = "dealer.at.work.cache.mixin"
    _description = "Clears the addon's cached lookups"

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
