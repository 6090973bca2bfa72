from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _dealer_activate_with_translations(self, code):
        """Activate ``code`` with Odoo's own translations of every installed module.

        Writing ``active`` (a data record) turns a language on without its terms: the core
        menus, stages and fields would stay English. Activating the way Settings > Languages
        does loads them; a language left active without them by an earlier version of the
        addon gets them too."""
        lang = self._activate_and_install_lang(code)
        if lang and not self._dealer_has_core_terms(code):
            installed = self.env["ir.module.module"].search([("state", "=", "installed")])
            installed._update_translations([code])
        return lang

    @api.model
    def _dealer_has_core_terms(self, code):
        """Whether the base module's terms are loaded for ``code`` (probe: the Settings menu)."""
        menu = self.env.ref("base.menu_administration", raise_if_not_found=False)
        if not menu:
            return False
        self.env.cr.execute("SELECT name ? %s FROM ir_ui_menu WHERE id = %s", (code, menu.id))
        return bool(self.env.cr.fetchone()[0])
