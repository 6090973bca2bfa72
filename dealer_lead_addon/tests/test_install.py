from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_manager_group_implies_salesperson_and_sales_manager(self):
        manager = self.env.ref("dealer_lead_addon.group_dealer_lead_manager")
        implied = manager.all_implied_ids
        self.assertIn(self.env.ref("dealer_lead_addon.group_dealer_lead_salesperson"), implied)
        self.assertIn(self.env.ref("sales_team.group_sale_manager"), implied)

    def test_company_quiet_hours_default_to_8_and_21(self):
        company = self.env["res.company"].create({"name": "Garage Laval"})
        self.assertEqual(company.dealer_quiet_hour_start, 8.0)
        self.assertEqual(company.dealer_quiet_hour_end, 21.0)
