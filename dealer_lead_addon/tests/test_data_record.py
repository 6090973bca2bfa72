from odoo.tests import TransactionCase, tagged

from ..tools.records import data_record


@tagged("post_install", "-at_install")
class TestDataRecord(TransactionCase):
    """Shipped records found by their xmlid without an existence query each time."""

    def test_it_is_the_record_env_ref_gives(self):
        self.assertEqual(data_record(self.env, "base.user_root"), self.env.ref("base.user_root"))

    def test_it_costs_no_query_once_the_xmlid_is_known(self):
        data_record(self.env, "dealer_lead_addon.mail_template_ack_fr")
        with self.assertQueryCount(0):
            data_record(self.env, "dealer_lead_addon.mail_template_ack_fr")

    def test_an_unknown_xmlid_raises_unless_asked_not_to(self):
        self.assertIsNone(data_record(self.env, "dealer_lead_addon.nothing", False))
        with self.assertRaises(ValueError):
            data_record(self.env, "dealer_lead_addon.nothing")
