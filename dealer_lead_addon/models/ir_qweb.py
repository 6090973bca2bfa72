from lxml import etree

from odoo import models, tools

# context key: compile inline QWeb (a mail template's body) once per source, not per render
CACHE_INLINE_KEY = "dealer_cache_inline_qweb"
# rendering options that change what the compiled code is allowed to do or keeps
COMPILE_OPTIONS = ("raise_on_forbidden_code_for_model", "preserve_comments")


class IrQweb(models.AbstractModel):
    """Odoo compiles a mail template's body again at every e-mail (only views are cached):
    our acknowledgements and follow-ups are rendered for every lead, from a handful of
    sources, so their compiled code is kept like a view's, keyed by the source itself."""

    _inherit = "ir.qweb"

    def _generate_code_uncached(self, template):
        if isinstance(template, etree._Element) and self.env.context.get(CACHE_INLINE_KEY):
            return self._dealer_generate_code_by_source(
                etree.tostring(template, encoding="unicode"), template)
        return super()._generate_code_uncached(template)

    @tools.ormcache("source", "self._dealer_compile_cache_key()", cache="templates")
    def _dealer_generate_code_by_source(self, source, template):
        """The compiled ``template``, whose serialisation is ``source``."""
        return self.with_context(**{CACHE_INLINE_KEY: False})._generate_code_uncached(template)

    def _dealer_compile_cache_key(self):
        context = self.env.context
        return tuple(context.get(key) or False
                     for key in (*self._get_template_cache_keys(), *COMPILE_OPTIONS))
