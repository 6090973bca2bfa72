from odoo import models


class ResourceResource(models.Model):
    """A resource (its calendar, time zone, user) changed: the cached at-work answers are stale."""

    _name = "resource.resource"
    _inherit = ("resource.resource", "dealer.at.work.cache.mixin")
