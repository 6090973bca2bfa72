from odoo.tests import TransactionCase, tagged

# the office-furniture demo of crm and sales_team, and its teams
FURNITURE_MODULES = ["crm", "sales_team", "crm_iap_enrich", "crm_iap_mine", "calendar", "sms"]
FURNITURE_TEAMS = ["Website", "Point of Sale", "Pre-Sales"]
DEMO_USERS = ["marc", "julie", "samuel", "isabelle", "patrick"]


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database as ``make run`` builds it: created without demo data, then only
    this addon's demo loaded (``ir.module.module._dealer_load_demo``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("web.base.url", "http://127.0.0.1:18069")
        cls.loaded = cls.env["ir.module.module"]._dealer_load_demo()

    def _ref(self, xmlid):
        return self.env.ref(f"dealer_lead_addon.{xmlid}")

    def test_demo_is_loaded_once(self):
        self.assertTrue(self.loaded)
        self.assertFalse(self.env["ir.module.module"]._dealer_load_demo())

    def test_no_record_of_odoo_furniture_demo(self):
        furniture = self.env["ir.model.data"].search([
            ("module", "in", FURNITURE_MODULES),
            ("model", "in", ["crm.lead", "crm.team", "res.partner", "res.users"]),
            ("noupdate", "=", True), ("name", "ilike", "demo")])
        self.assertFalse(furniture.mapped("complete_name"))
        self.assertFalse(self.env["crm.team"].search([("name", "in", FURNITURE_TEAMS)]))
        leads = self.env["crm.lead"].with_context(active_test=False).search([])
        self.assertFalse(leads.filtered(lambda lead: "Furniture" in (lead.name or "")
                                        or "Office" in (lead.name or "")))

    def test_every_demo_user_lands_on_the_pipeline_with_alerts_in_odoo(self):
        pipeline = self.env.ref("crm.crm_lead_action_pipeline")
        for name in DEMO_USERS:
            user = self._ref(f"demo_user_{name}")
            self.assertEqual(user.action_id.id, pipeline.id, name)
            self.assertEqual(user.notification_type, "inbox", name)
        self.assertEqual(self.env.ref("base.user_admin").action_id.id, pipeline.id)

    def test_manager_is_a_member_of_the_team_she_leads(self):
        team, manager = self._ref("demo_team_sales"), self._ref("demo_user_isabelle")
        self.assertEqual(team.user_id, manager)
        self.assertIn(manager, team.member_ids)
        self.assertTrue(self.env["crm.lead"].search_count([("user_id", "=", manager.id)]),
                        "her own pipeline is not empty")

    def test_texts_go_to_the_sandbox_and_no_paid_service_runs(self):
        self.assertEqual(self.env.company.sms_provider, "dealer_sandbox")
        self.assertEqual(self.env.company.sudo().dealer_sms_webhook_url,
                         "http://127.0.0.1:18069/dealer_lead/sms/inbound")
        self.assertFalse(self.env.ref("crm_iap_enrich.ir_cron_lead_enrichment").active)
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "crm.iap.lead.enrich.setting"), "manual")

    def test_weeks_of_history_for_the_dashboard(self):
        clocks = self.env["dealer.response.clock"].sudo().search(
            [("team_id", "=", self._ref("demo_team_sales").id)])
        answered = clocks.filtered(lambda c: c.state == "answered")
        self.assertGreater(len(answered), 60)
        span = max(clocks.mapped("started_at")) - min(clocks.mapped("started_at"))
        self.assertGreaterEqual(span.days, 28, "weeks of history")
        self.assertGreaterEqual(len(answered.answered_by_id), 3, "several salespeople")
        self.assertTrue(answered.filtered("missed"), "some answers came too late")
        self.assertTrue(clocks.filtered(lambda c: c.state == "closed"), "some never answered")
        self.assertTrue(clocks.filtered(lambda c: not c.business_hours), "some after hours")
        self.assertEqual(len(set(clocks.mapped("source_id"))), 3, "several providers")
        speeds = {user.name: sorted(answered.filtered(
            lambda c, u=user: c.answered_by_id == u).mapped("business_minutes"))
            for user in answered.answered_by_id}
        medians = {name: values[len(values) // 2] for name, values in speeds.items()}
        self.assertLess(medians["Marc-André Gagnon"], medians["Samuel Chen"])

    def test_history_has_won_lost_and_open_opportunities(self):
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [("team_id", "=", self._ref("demo_team_sales").id)])
        self.assertTrue(leads.filtered(lambda lead: lead.stage_id.is_won))
        self.assertTrue(leads.filtered(lambda lead: not lead.active))
        self.assertTrue(leads.filtered(lambda lead: lead.active and not lead.stage_id.is_won))

    def test_live_demo_leads_arrived_through_intake(self):
        intakes = self.env["dealer.lead.intake"].sudo().search([])
        self.assertGreaterEqual(len(intakes.filtered("lead_id")), 4)

    def test_tire_campaign_targets_vehicles_due_for_tires(self):
        mailing = self._ref("demo_mailing_tires")
        self.assertEqual(mailing.mailing_type, "sms")
        recipients = self.env["res.partner"].browse(mailing._get_remaining_recipients())
        self.assertIn(self._ref("demo_service_partner_sophie"), recipients)
        # Luc's winter tires were fitted a week ago
        self.assertNotIn(self._ref("demo_service_partner_luc"), recipients)
