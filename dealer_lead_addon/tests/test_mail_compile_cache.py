from unittest.mock import patch

from lxml import html

from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import IrQweb, QWebError

from ..models.ir_qweb import CACHE_INLINE_KEY
from .common_intake import DealerIntakeCommon

UNSAFE = '<div><t t-out="object.env.cr.dbname"/></div>'


@tagged("post_install", "-at_install")
class TestMailCompileCache(DealerIntakeCommon):
    """An acknowledgement's body is compiled once, then rendered for each lead with that
    lead's values; caching never lets restricted rendering run code it forbids."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("dealer_lead_addon.mail_template_ack_en")
        Lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True)
        cls.leads = Lead.create([
            {"name": f"Inquiry {name}", "contact_name": name, "team_id": cls.team.id,
             "email_from": f"{name.lower()}@example.com", "lang_id": cls.env.ref(
                 "base.lang_en").id}
            for name in ("Alice", "Bruno")])

    def _ack(self, lead):
        return self.env["dealer.outbound"]._send_mail(lead, self.template, purpose="ack")

    def _body_compiles(self, lead):
        """How many times sending ``lead`` its acknowledgement compiled a template body."""
        compiles = []
        original = IrQweb._generate_code

        def generate_code(qweb, template):
            # the safety check of mail rendering compiles under this key: not a render
            if not qweb.env.context.get("raise_on_forbidden_code_for_model"):
                compiles.append(template)
            return original(qweb, template)

        with patch.object(IrQweb, "_generate_code", autospec=True, side_effect=generate_code):
            self._ack(lead)
        return [t for t in compiles if not isinstance(t, (int, str))]

    def test_second_acknowledgement_compiles_no_body(self):
        self.env.registry.clear_cache("templates")
        self.assertEqual(len(self._body_compiles(self.leads[0])), 1)
        self.assertEqual(self._body_compiles(self.leads[1]), [])

    def test_each_lead_reads_its_own_name(self):
        alice, bruno = (self._ack(lead) for lead in self.leads)
        self.assertIn("Hello Alice", str(alice.body_html))
        self.assertIn("Hello Bruno", str(bruno.body_html))
        self.assertNotIn("Alice", str(bruno.body_html))

    def test_restricted_rendering_refuses_code_compiled_for_a_trusted_sender(self):
        QWeb = self.env["ir.qweb"].with_context(**{CACHE_INLINE_KEY: True})
        values = {"object": self.leads[0]}
        QWeb._render(html.fragment_fromstring(UNSAFE), values)  # the superuser: cached
        restricted = QWeb.with_user(self.sales_1).with_context(
            raise_on_forbidden_code_for_model="crm.lead")
        with self.assertRaisesRegex(QWebError, "PermissionError"):
            restricted._render(html.fragment_fromstring(UNSAFE), values)
