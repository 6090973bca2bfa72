from datetime import datetime

from odoo.tests import new_test_user, tagged
from odoo.tools import LazyTranslate

from .common_intake import OPEN_NOW, DealerIntakeCommon, fixture

_lt = LazyTranslate("odoo.addons.dealer_lead_addon.models.dealer_response_clock")
_lt_source = LazyTranslate("odoo.addons.dealer_lead_addon.models.dealer_lead_source")


@tagged("post_install", "-at_install")
class TestStaffNotesLanguage(DealerIntakeCommon):
    """What the addon writes for staff reads in its reader's language, not in the language of
    whoever triggered it (a provider's e-mail, a webhook, a cron run as OdooBot)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_CA")
        cls.env.company.partner_id.lang = "fr_CA"
        cls.env.user.lang = "en_US"  # the one who processes the provider's e-mail

    def _receive(self):
        with self._frozen(OPEN_NOW), self.mockSMSGateway(), self.mock_mail_gateway():
            self._process_email(self._adf_email(fixture("adf_standard.xml")))
            lead = self._last_intake().lead_id
            self._run_postcommit()
        return lead

    def _notes(self, lead):
        return " ".join(str(body) for body in lead.message_ids.mapped("body"))

    def test_intake_notes_follow_a_french_salesperson(self):
        (self.sales_1 | self.sales_2).lang = "fr_CA"
        notes = self._notes(self._receive())
        self.assertIn("Demande reçue par", notes)
        self.assertIn("Attribuée à", notes)
        self.assertIn("rotation de Ventes", notes)
        self.assertNotIn("Routed to", notes)

    def test_routing_note_names_the_team_as_its_reader_reads_it(self):
        (self.sales_1 | self.sales_2).lang = "fr_CA"
        self.team.with_context(lang="en_US").name = "Sales"
        self.team.with_context(lang="fr_CA").name = "Ventes"
        notes = self._notes(self._receive())
        self.assertIn("rotation de Ventes", notes)
        self.assertNotIn("Sales", notes)

    def test_intake_notes_follow_an_english_salesperson(self):
        (self.sales_1 | self.sales_2).lang = "en_US"
        notes = self._notes(self._receive())
        self.assertIn("Inquiry received by", notes)
        self.assertIn("Routed to", notes)
        self.assertIn("round robin of Ventes", notes)

    def test_note_with_nobody_to_read_it_is_in_the_company_language(self):
        note = self.env["crm.lead"]._dealer_route_note(self.env["res.users"], False)
        self.assertEqual(note, "Personne à qui attribuer cette piste.")

    def test_sla_todo_of_a_french_salesperson_is_french(self):
        self.sales_1.lang = "fr_CA"
        lead = self.env["crm.lead"].create({"name": "Sophie", "user_id": self.sales_1.id})
        self.env["dealer.staff.alert"]._alert(
            lead, self.sales_1, _lt("Overdue: %(customer)s is waiting for your answer. %(link)s",
                                    customer="Sophie", link=""),
            text=False, activity=_lt("Answer this lead (SLA)"))
        self.assertEqual(lead.activity_ids.summary, "Répondre à cette piste (délai de réponse)")

    def test_video_call_back_todo_is_in_its_owners_language(self):
        self.sales_1.lang = "fr_CA"
        lead = self.env["crm.lead"].create({"name": "Sophie", "user_id": self.sales_1.id,
                                            "contact_name": "Sophie"})
        session = self.env["dealer.video.session"].create({"lead_id": lead.id})
        session._dealer_on_no_answer(OPEN_NOW, False)
        activity = lead.activity_ids.filtered(lambda a: a.user_id == self.sales_1)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Rappel : appel vidéo manqué")

    def test_video_call_back_time_reads_as_in_quebec(self):
        self.sales_1.lang = "fr_CA"
        lead = self.env["crm.lead"].create({"name": "Sophie", "user_id": self.sales_1.id,
                                            "contact_name": "Sophie", "team_id": self.team.id})
        session = self.env["dealer.video.session"].create({"lead_id": lead.id})
        session._dealer_on_no_answer(OPEN_NOW, datetime(2026, 11, 24, 19, 30))  # 14:30 Toronto
        self.assertIn("2026-11-24 14 h 30", str(lead.activity_ids.note))

    def test_feed_alert_reaches_each_manager_in_their_language(self):
        managers = {lang: new_test_user(
            self.env, login=f"manager_{lang}", lang=lang,
            groups="dealer_lead_addon.group_dealer_lead_manager") for lang in ("fr_CA", "en_US")}
        self.source._dealer_alert_feed(_lt_source(
            "Lead source %(feed)s is receiving again: an inquiry arrived at %(at)s.",
            feed="AutoTrader.ca", at="2026-11-24 10:00"))
        def body_for(user):
            message = self.source.message_ids.filtered(lambda m: user.partner_id in m.partner_ids)
            self.assertEqual(len(message), 1)
            return str(message.body)
        self.assertIn("La source de pistes AutoTrader.ca reçoit de nouveau",
                      body_for(managers["fr_CA"]))
        self.assertIn("Lead source AutoTrader.ca is receiving again", body_for(managers["en_US"]))
