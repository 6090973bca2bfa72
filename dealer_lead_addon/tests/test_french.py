"""French (Canada) is complete once the addon is installed: Odoo's own French of every
installed module is loaded (no core label stays English) and every label of the addon (menus,
fields, selections, views, messages) has a French translation.

The database these tests run in had only English before the addon was installed (the
dependencies template of scripts/odoo_tests.py): what they see is what the install did.
"""

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, file_path

LANG = "fr_CA"
ADDON = "dealer_lead_addon"
# A label the same in French and English ("Source", "Notes") is accepted when fr.po confirms it
# (msgstr == msgid); any other label must differ from its English source.


def _po(name):
    return polib.pofile(file_path(f"{ADDON}/i18n/{name}"))


@tagged("post_install", "-at_install")
class TestFrenchComplete(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        french = _po("fr.po")
        cls.translated = {e.msgid for e in french.translated_entries() if not e.obsolete}
        cls.french = {e.msgid: e.msgstr for e in french.translated_entries()}

    def _json_values(self, table, column, ids):
        """{id: {lang: value}} of a translated ``column``, read raw (no fallback to English)."""
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT id, %s FROM %s WHERE id IN %s", SQL.identifier(column),
                                SQL.identifier(table), tuple(ids)))
        return dict(self.env.cr.fetchall())

    def _addon_ids(self, model):
        return self.env["ir.model.data"].search(
            [("module", "=", ADDON), ("model", "=", model)]).mapped("res_id")

    def _untranslated(self, values):
        """The English labels of ``values`` ({id: {lang: value}}) with no French."""
        missing = []
        for value in values.values():
            if not value or not value.get("en_US"):
                continue
            english, french = value["en_US"], value.get(LANG)
            if not french or (french == english and english not in self.translated):
                missing.append(english)
        return sorted(set(missing))

    # ------------------------------------------------------------
    # Odoo's own French
    # ------------------------------------------------------------

    def test_french_canada_is_active(self):
        self.assertTrue(self.env["res.lang"]._lang_get(LANG))

    def test_every_menu_of_every_installed_module_has_french(self):
        menus = self.env["ir.ui.menu"].with_context(active_test=False).search([])
        values = self._json_values("ir_ui_menu", "name", menus.ids)
        english_only = sorted(v["en_US"] for v in values.values() if LANG not in v)
        self.assertFalse(english_only, f"menus without French: {english_only}")

    def test_french_left_active_without_its_terms_gets_them(self):
        """A database where an earlier version turned French on without Odoo's terms."""
        menus = self.env.ref("base.menu_administration") | self.env.ref("crm.crm_menu_sales")
        self.env.flush_all()
        self.env.cr.execute("UPDATE ir_ui_menu SET name = name - %s WHERE id IN %s",
                            (LANG, tuple(menus.ids)))
        menus.invalidate_recordset(["name"])
        self.assertFalse(self.env["res.lang"]._dealer_has_core_terms(LANG))
        self.env["res.lang"]._dealer_activate_with_translations(LANG)
        self.assertEqual(menus.with_context(lang=LANG).mapped("name"), ["Paramètres", "Ventes"])

    def test_core_crm_labels_read_in_french(self):
        env = self.env(context=dict(self.env.context, lang=LANG))
        labels = {
            "Sales": env.ref("crm.crm_menu_sales").name,
            "Reporting": env.ref("crm.crm_menu_report").name,
            "My Pipeline": env.ref("crm.menu_crm_opportunities").name,
            "New": env.ref("crm.stage_lead1").name,
            "Qualified": env.ref("crm.stage_lead2").name,
            "Won": env.ref("crm.stage_lead4").name,
            "Expected Revenue": env["crm.lead"].fields_get(["expected_revenue"])[
                "expected_revenue"]["string"],
            "Salesperson": env["crm.lead"].fields_get(["user_id"])["user_id"]["string"],
        }
        still_english = {english: label for english, label in labels.items() if label == english}
        self.assertFalse(still_english, f"core CRM labels left in English: {still_english}")

    def test_core_pipeline_filters_read_in_french(self):
        arch = self.env["crm.lead"].with_context(lang=LANG).get_views(
            [(False, "search")])["views"]["search"]["arch"]
        for english in ('string="Won"', 'string="Lost"', 'string="My Pipeline"'):
            self.assertNotIn(english, arch)

    # ------------------------------------------------------------
    # The addon's French
    # ------------------------------------------------------------

    def test_every_exported_term_has_a_french_translation(self):
        terms = {e.msgid for e in _po(f"{ADDON}.pot") if e.msgid}
        missing = sorted(terms - self.translated)
        self.assertFalse(missing, f"{len(missing)} terms untranslated in fr.po: {missing[:10]}")

    def test_french_file_is_loaded_for_french_canada(self):
        menu = self.env.ref("dealer_lead_addon.dealer_lead_menu_root", raise_if_not_found=False)
        menu = menu or self.env["ir.ui.menu"].browse(self._addon_ids("ir.ui.menu")[:1])
        english = menu.with_context(lang="en_US").name
        self.assertEqual(menu.with_context(lang=LANG).name, self.french[english])

    def test_every_menu_of_the_addon_is_french(self):
        values = self._json_values("ir_ui_menu", "name", self._addon_ids("ir.ui.menu"))
        self.assertTrue(values)
        missing = self._untranslated(values)
        self.assertFalse(missing, f"menus of the addon without French: {missing}")

    def test_every_field_label_of_the_addon_is_french(self):
        ids = self._addon_ids("ir.model.fields")
        values = self._json_values("ir_model_fields", "field_description", ids)
        missing = self._untranslated(values)
        self.assertFalse(missing, f"field labels without French: {missing}")

    def test_every_selection_value_of_the_addon_is_french(self):
        ids = self._addon_ids("ir.model.fields.selection")
        values = self._json_values("ir_model_fields_selection", "name", ids)
        missing = self._untranslated(values)
        self.assertFalse(missing, f"selection values without French: {missing}")

    def test_every_action_of_the_addon_is_french(self):
        ids = self._addon_ids("ir.actions.act_window")
        values = self._json_values("ir_act_window", "name", ids)
        missing = self._untranslated(values)
        self.assertFalse(missing, f"window actions without French: {missing}")

    def test_every_view_term_of_the_addon_is_french(self):
        views = self.env["ir.ui.view"].browse(self._addon_ids("ir.ui.view"))
        field = views._fields["arch_db"]
        missing = []
        for value in self._json_values("ir_ui_view", "arch_db", views.ids).values():
            english = value.get("en_US") or ""
            terms = [t for t in field.get_trans_terms(english) if any(c.isalpha() for c in t)]
            if not terms:
                continue
            if LANG not in value:
                missing += terms
                continue
            french = field.get_translation_dictionary(english, {LANG: value[LANG]})
            missing += [term for term in terms
                        if french.get(term, {}).get(LANG, term) == term
                        and term not in self.translated]
        self.assertFalse(missing, f"view labels without French: {sorted(set(missing))[:20]}")
