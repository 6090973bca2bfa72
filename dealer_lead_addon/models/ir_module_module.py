from odoo import api, models
from odoo.modules.module import get_manifest
from odoo.tools import convert_file

ADDON = "dealer_lead_addon"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _dealer_load_demo(self):
        """Load this addon's demo data (a dealership) into a database created without demo
        data, leaving the other modules without theirs (no furniture opportunities, no
        Website / Point of Sale teams). ``scripts/run.sh`` calls it through ``odoo-bin shell``
        once ``web.base.url`` is set, so that links written meanwhile use the chosen port.

        The module is then flagged as having its demo, as ``--with-demo`` would: updates
        reload it like any demo data.

        :return: whether the demo was loaded now (False when it already was)
        """
        module = self.sudo().search([("name", "=", ADDON), ("state", "=", "installed")])
        if not module or module.demo:
            return False
        registry = self.env.registry
        ready = registry.ready
        # loaded as an install loads demo data (registry not ready): the records the file
        # creates are not committed yet, so no side transaction may be used meanwhile
        registry.ready = False
        try:
            for filename in get_manifest(ADDON).get("demo", []):
                convert_file(self.env(su=True), ADDON, filename, {}, mode="init",
                             noupdate=True)
        finally:
            registry.ready = ready
        module.demo = True
        return True
