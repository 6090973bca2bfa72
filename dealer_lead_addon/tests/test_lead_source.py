from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT

from .common_intake import DealerIntakeCommon

# Tuesday 2026-11-24 in Montreal (EST, UTC-5): the team is open 8-12 and 13-17
TUESDAY_9AM = datetime(2026, 11, 24, 14, 0)


@tagged("post_install", "-at_install")
class TestLeadSourceApiKey(DealerIntakeCommon):
    """Lead-source API keys are stored hashed, shown once."""

    def test_generated_key_is_shown_once_and_stored_hashed(self):
        action = self.source.action_generate_api_key()
        key = action["context"]["default_key"]
        self.assertEqual(action["res_model"], "dealer.lead.source.key.show")
        self.assertGreaterEqual(len(key), 32)
        self.assertEqual(self.source.api_key_prefix, key[:8])
        self.assertNotIn(key, str(self.source.read()[0]), "the clear key is stored nowhere")
        self.assertTrue(KEY_CRYPT_CONTEXT.verify(key, self.source.api_key_hash))

    def test_right_key_authenticates_its_source_only(self):
        Source = self.env["dealer.lead.source"]
        self.assertEqual(Source._dealer_authenticate("autotrader", self.SOURCE_KEY), self.source)
        self.assertFalse(Source._dealer_authenticate("autotrader", self.SOURCE_KEY + "x"))
        self.assertFalse(Source._dealer_authenticate("autotrader", self.SOURCE_KEY[:8]))
        self.assertFalse(Source._dealer_authenticate("other", self.SOURCE_KEY))

    def test_a_new_key_replaces_the_old_one(self):
        self.source.action_generate_api_key()
        self.assertFalse(self.env["dealer.lead.source"]._dealer_authenticate(
            "autotrader", self.SOURCE_KEY))

    def test_a_new_key_refuses_the_old_one_even_once_verified(self):
        Source = self.env["dealer.lead.source"]
        self.assertEqual(Source._dealer_authenticate("autotrader", self.SOURCE_KEY), self.source)
        self.source.action_generate_api_key()
        self.assertFalse(Source._dealer_authenticate("autotrader", self.SOURCE_KEY))

    def test_an_e_mail_belongs_to_the_source_matching_its_sender(self):
        Source = self.env["dealer.lead.source"]
        self.source.email_match = "leads@autotrader.example"
        self.assertEqual(Source._dealer_match_email("Leads <LEADS@autotrader.example>"),
                         self.source)
        self.assertFalse(Source._dealer_match_email("someone@else.example"))

    def test_a_source_edited_matches_its_new_sender_at_once(self):
        Source = self.env["dealer.lead.source"]
        self.source.email_match = "leads@autotrader.example"
        Source._dealer_match_email("leads@autotrader.example")  # known, cached
        self.source.email_match = "new@autotrader.example"
        self.assertFalse(Source._dealer_match_email("leads@autotrader.example"))
        self.assertEqual(Source._dealer_match_email("new@autotrader.example"), self.source)
        self.source.active = False
        self.assertFalse(Source._dealer_match_email("new@autotrader.example"))

    def test_a_source_is_found_by_the_provider_name_of_its_adf(self):
        Source = self.env["dealer.lead.source"]
        self.source.provider_match = "AutoTrader, AutoTrader.ca"
        self.assertEqual(Source._dealer_match_email("", " autotrader.CA "), self.source)
        self.assertFalse(Source._dealer_match_email("", "AutoHebdo"))

    def test_lead_enrichment_is_off_after_install(self):
        setting = self.env["ir.config_parameter"].sudo().get_param(
            "crm.iap.lead.enrich.setting", "auto")
        self.assertEqual(setting, "manual")
        cron = self.env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
        self.assertFalse(cron and cron.active)


@tagged("post_install", "-at_install")
class TestLeadSourceWatchdog(DealerIntakeCommon):
    """A source silent for longer than its rhythm in business hours alerts the managers once,
    and again when it resumes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="gerant", name="Gérant", notification_type="inbox",
            groups="dealer_lead_addon.group_dealer_lead_manager")
        # every 10 minutes from 9:00 to 9:50
        cls._arrive(*[TUESDAY_9AM + timedelta(minutes=10 * i) for i in range(6)])

    @classmethod
    def _arrive(cls, *moments):
        cls.env["dealer.lead.intake"].create([{
            "channel": "http", "source_id": cls.source.id, "received_at": at,
            "raw_payload": "{}", "state": "created"} for at in moments])

    def _watch(self, at):
        with self._frozen(at):
            self.env["dealer.lead.source"]._cron_dealer_watch_feeds()

    def _alerts(self):
        return self.source.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids)

    def test_rhythm_is_read_from_the_intakes(self):
        self.assertEqual(self.source.last_intake_at, TUESDAY_9AM + timedelta(minutes=50))
        self.assertEqual(self.source.usual_gap_minutes, 10)

    def test_silence_longer_than_the_rhythm_alerts_once(self):
        self._watch(TUESDAY_9AM + timedelta(minutes=50 + 59))
        self.assertFalse(self._alerts(), "within the minimum of 60 minutes")
        self._watch(TUESDAY_9AM + timedelta(minutes=50 + 61))
        self.assertEqual(len(self._alerts()), 1)
        self.assertEqual(self.source.watchdog_state, "silent")
        self._watch(TUESDAY_9AM + timedelta(minutes=50 + 120))
        self.assertEqual(len(self._alerts()), 1, "one alert, not one per check")

    def test_feed_resuming_alerts_again(self):
        self._watch(TUESDAY_9AM + timedelta(minutes=50 + 61))
        self._arrive(TUESDAY_9AM + timedelta(minutes=50 + 70))
        self._watch(TUESDAY_9AM + timedelta(minutes=50 + 75))
        self.assertEqual(len(self._alerts()), 2)
        self.assertIn("receiving again", str(self._alerts().sorted("id")[-1].body))
        self.assertEqual(self.source.watchdog_state, "ok")

    def test_silence_after_hours_does_not_count(self):
        # 9:50 -> 17:00 is 370 business minutes (lunch excluded): well over the gap, but
        # the night check finds the team closed, and the morning starts from 9:50's silence
        self._watch(datetime(2026, 11, 24, 23, 30))
        self.assertFalse(self._alerts())

    def test_unknown_rhythm_never_alerts(self):
        other = self.env["dealer.lead.source"].create({
            "name": "New feed", "code": "new", "team_id": self.team.id})
        self.env["dealer.lead.intake"].create({
            "channel": "http", "source_id": other.id, "received_at": TUESDAY_9AM,
            "raw_payload": "{}"})
        with self._frozen(TUESDAY_9AM + timedelta(hours=5)):
            other._dealer_watch(TUESDAY_9AM + timedelta(hours=5))
        self.assertEqual(other.watchdog_state, "ok")
