from datetime import datetime

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_intake import OPEN_NOW
from .common_texting import DealerTextingCommon

FR_NUMBER = "+15145550171"
EN_NUMBER = "+14165550172"
STEP_1_DUE = datetime(2026, 11, 24, 16, 0)  # one hour after the inquiry (wall clock)
# one business day (8 h) after 11:00 Tuesday in Montreal: Wednesday 11:00 = 16:00 UTC
STEP_2_DUE = datetime(2026, 11, 25, 16, 0)
STEP_3_DUE = datetime(2026, 11, 27, 16, 0)  # two wall-clock days later


@tagged("post_install", "-at_install")
class TestFollowUpSequences(DealerTextingCommon):
    """Leads enter by team and source, get each step once, in their language, and leave when
    the customer answers, the lead is won or lost, the customer opts out, or a person stops
    it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lead_model = cls.env["ir.model"]._get_id("crm.lead")
        SmsTemplate = cls.env["sms.template"]
        MailTemplate = cls.env["mail.template"]
        cls.sequence = cls.env["dealer.sequence"].create({
            "name": "Suivi des demandes",
            "team_ids": [(6, 0, cls.team.ids)],
            "step_ids": [
                (0, 0, {
                    "sequence": 1, "name": "Texto J+0", "channel": "sms", "delay": 1,
                    "delay_unit": "hours", "delay_basis": "wall",
                    "sms_template_fr_id": SmsTemplate.create({
                        "name": "Relance FR", "model_id": lead_model,
                        "body": "Bonjour {{ object.contact_name }}, toujours intéressé(e)?",
                    }).id,
                    "sms_template_en_id": SmsTemplate.create({
                        "name": "Follow-up EN", "model_id": lead_model,
                        "body": "Hi {{ object.contact_name }}, still interested?",
                    }).id,
                }),
                (0, 0, {
                    "sequence": 2, "name": "Courriel J+1", "channel": "email", "delay": 1,
                    "delay_unit": "days", "delay_basis": "business",
                    "mail_template_fr_id": MailTemplate.create({
                        "name": "Courriel FR", "model_id": lead_model,
                        "subject": "Votre essai routier", "email_to": "{{ object.email_from }}",
                        "body_html": "<p>Bonjour, voulez-vous réserver un essai?</p>",
                    }).id,
                    "mail_template_en_id": MailTemplate.create({
                        "name": "Mail EN", "model_id": lead_model,
                        "subject": "Your test drive", "email_to": "{{ object.email_from }}",
                        "body_html": "<p>Hi, would you like to book a test drive?</p>",
                    }).id,
                }),
                (0, 0, {
                    "sequence": 3, "name": "Appel J+3", "channel": "call", "delay": 2,
                    "delay_unit": "days", "delay_basis": "wall",
                    "activity_summary": "Appeler pour l'essai routier",
                }),
            ],
        })

    def _inquiry(self, number=FR_NUMBER, lang="fr_CA", team=None, **vals):
        """A new lead through the intake pipeline (manual channel), at 10:00 on Tuesday."""
        with self._frozen(OPEN_NOW):
            return self.env["crm.lead"].with_context(dealer_inquiry_channel="manual").create({
                "name": "Essai routier", "contact_name": "Camille", "phone": number,
                "email_from": f"camille{number[-4:]}@example.ca", "user_id": self.sales_1.id,
                "team_id": (team or self.team).id,
                "lang_id": self.env["res.lang"]._activate_lang(lang).id, **vals})

    def _run_due(self, at):
        with self._frozen(at):
            return self.env["dealer.sequence.log"]._dealer_send_due_batch(200, at)

    def _follow_up_texts(self, lead):
        return self._texts_to(lead.phone_sanitized).filtered(
            lambda sms: sms.dealer_purpose == "sales")

    def _log(self, lead, name):
        return lead.dealer_sequence_log_ids.filtered(lambda log: log.name == name)

    # entering -------------------------------------------------------------------------------

    def test_new_lead_of_the_team_enters_the_sequence(self):
        lead = self._inquiry()
        self.assertEqual(lead.dealer_sequence_enrollment_ids.sequence_id, self.sequence)
        self.assertEqual(lead.dealer_sequence_state, "running")

    def test_lead_of_another_team_does_not_enter(self):
        other = self.env["crm.team"].create({"name": "Service"})
        self.assertFalse(self._inquiry(team=other).dealer_sequence_enrollment_ids)

    def test_source_rule_limits_who_enters(self):
        self.sequence.source_ids = self.source
        self.assertFalse(self._inquiry().dealer_sequence_enrollment_ids)
        self.assertTrue(self._inquiry(number="+15145550173",
                                      dealer_source_id=self.source.id)
                        .dealer_sequence_enrollment_ids)

    def test_lead_shows_its_planned_and_waiting_steps(self):
        lead = self._inquiry()
        logs = lead.dealer_sequence_log_ids.sorted("planned_at")
        self.assertEqual(logs.mapped("state"), ["planned", "waiting", "waiting"])
        self.assertEqual(logs.mapped("planned_at"), [STEP_1_DUE, STEP_2_DUE, STEP_3_DUE])

    def test_a_lead_runs_one_sequence_at_a_time(self):
        lead = self._inquiry()
        self.assertFalse(lead._dealer_sequence_enroll(), "already running: nothing new")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["dealer.sequence.enrollment"].create(
                {"lead_id": lead.id, "sequence_id": self.sequence.id})
            self.env.flush_all()

    # sending --------------------------------------------------------------------------------

    def test_step_is_not_sent_before_it_is_due(self):
        lead = self._inquiry()
        self._run_due(datetime(2026, 11, 24, 15, 59))
        self.assertFalse(self._follow_up_texts(lead))

    def test_due_step_is_sent_once_even_if_the_cron_runs_twice(self):
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        self._run_due(STEP_1_DUE)
        self.assertEqual(len(self._follow_up_texts(lead)), 1)
        self.assertEqual(self._log(lead, "Texto J+0").state, "sent")

    def test_due_step_reaches_the_provider_once(self):
        lead = self._inquiry()
        with self._frozen(OPEN_NOW):
            self._run_postcommit()  # the acknowledgement leaves right after the inquiry
        self.twilio_requests.clear()
        self._run_due(STEP_1_DUE)
        with self._frozen(STEP_1_DUE):
            self._run_postcommit()
        self._run_due(STEP_1_DUE)
        with self._frozen(STEP_1_DUE):
            self._run_postcommit()
        step = self._follow_up_texts(lead).body
        self.assertEqual(self._twilio_bodies_to(lead.phone_sanitized).count(step), 1)

    def test_cron_crash_mid_batch_sends_no_step_twice(self):
        leads = self._inquiry() | self._inquiry(number="+15145550174")
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self._run_due(STEP_1_DUE)
            raise RuntimeError("worker killed before the commit")
        self.env.invalidate_all()
        self.assertFalse(self._follow_up_texts(leads[0]), "rolled back with the batch")
        self._run_due(STEP_1_DUE)
        self._run_due(STEP_1_DUE)
        for lead in leads:
            self.assertEqual(len(self._follow_up_texts(lead)), 1)

    def test_text_interrupted_after_the_provider_call_is_never_resent_automatically(self):
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        sms = self._follow_up_texts(lead)
        # the process died between the provider call and the commit, 15 minutes ago
        sms.dealer_send_started_at = datetime(2026, 11, 24, 15, 45)
        with self._frozen(STEP_1_DUE):
            sms.send()
            self.assertEqual(self._sent_numbers(), [])
            self.assertEqual((sms.state, sms.failure_type), ("error", "dealer_uncertain"))
            sms.resend_failed()  # a person checked and decides to send it again
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [lead.phone_sanitized])

    def test_text_being_sent_by_another_worker_is_left_alone(self):
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        sms = self._follow_up_texts(lead)
        sms.dealer_send_started_at = datetime(2026, 11, 24, 15, 59)
        with self._frozen(STEP_1_DUE):
            sms.send()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(sms.state, "outgoing")

    def test_text_follows_the_customers_language_and_says_how_to_opt_out(self):
        french, english = self._inquiry(), self._inquiry(number=EN_NUMBER, lang="en_US")
        self._run_due(STEP_1_DUE)
        self.assertEqual(self._follow_up_texts(french).body,
                         "Bonjour Camille, toujours intéressé(e)? "
                         "Répondez ARRÊT pour vous désabonner.")
        self.assertEqual(self._follow_up_texts(english).body,
                         "Hi Camille, still interested? Reply STOP to opt out.")

    def test_text_that_says_how_to_opt_out_is_left_as_written(self):
        self.sequence.step_ids[0].sms_template_fr_id.body = "Toujours intéressé(e)? STOP = fin"
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        self.assertEqual(self._follow_up_texts(lead).body, "Toujours intéressé(e)? STOP = fin")

    def test_next_step_is_planned_in_business_time_after_a_step(self):
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        email_step = self._log(lead, "Courriel J+1")
        self.assertEqual((email_step.state, email_step.planned_at), ("planned", STEP_2_DUE))

    def test_business_delay_skips_nights_and_weekends(self):
        step = self.sequence.step_ids.filtered(lambda s: s.channel == "email")
        friday_4pm = datetime(2026, 11, 27, 21, 0)  # 16:00 in Montreal
        self.assertEqual(step._dealer_due_after(friday_4pm, self.team),
                         datetime(2026, 11, 30, 21, 0), "1 h on Friday, 7 h on Monday: 16:00")

    def test_email_step_is_sent_in_the_customers_language(self):
        lead = self._inquiry()
        self._run_due(STEP_1_DUE)
        with self.mock_mail_gateway():
            self._run_due(STEP_2_DUE)
        mail = self.env["mail.mail"].sudo().search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("dealer_purpose", "=",
                                                                     "sales")])
        self.assertEqual(mail.subject, "Votre essai routier")

    def test_call_step_creates_a_task_for_the_salesperson(self):
        lead = self._inquiry()
        for at in (STEP_1_DUE, STEP_2_DUE, STEP_3_DUE):
            self._run_due(at)
        task = self._log(lead, "Appel J+3").activity_id
        self.assertEqual((task.user_id, task.summary),
                         (self.sales_1, "Appeler pour l'essai routier"))
        self.assertEqual(lead.dealer_sequence_state, "done")

    def test_marketing_step_without_consent_is_skipped_not_sent(self):
        self.sequence.step_ids[0].purpose = "marketing"
        lead = self._inquiry()
        self.env["dealer.consent"]._dealer_record(
            "withdrawn", ["marketing"], phone=lead.phone_sanitized, source="test",
            at=datetime(2026, 11, 24, 15, 30))
        self._run_due(STEP_1_DUE)
        log = self._log(lead, "Texto J+0")
        self.assertEqual(log.state, "skipped")
        self.assertFalse(self._texts_to(lead.phone_sanitized).filtered(
            lambda s: s.dealer_purpose == "marketing"))

    def test_step_needs_its_french_and_english_templates(self):
        with self.assertRaises(ValidationError):
            self.env["dealer.sequence.step"].create({
                "sequence_id": self.sequence.id, "name": "Sans modèle", "channel": "sms"})

    # leaving --------------------------------------------------------------------------------

    def _assert_left(self, lead, reason):
        enrollment = lead.dealer_sequence_enrollment_ids
        self.assertEqual((enrollment.state, enrollment.stop_reason), ("stopped", reason))
        self.assertEqual(set(lead.dealer_sequence_log_ids.mapped("state")), {"canceled"})
        self._run_due(STEP_3_DUE)
        self.assertFalse(self._follow_up_texts(lead))

    def test_customer_text_reply_ends_the_sequence(self):
        lead = self._inquiry()
        self._receive("Oui, je passe samedi", sender=lead.phone_sanitized)
        self._assert_left(lead, "replied")

    def test_customer_email_reply_ends_the_sequence(self):
        lead = self._inquiry()
        lead._dealer_customer_engaged("email")
        self._assert_left(lead, "replied")

    def test_won_lead_ends_the_sequence(self):
        lead = self._inquiry()
        lead.action_set_won()
        self._assert_left(lead, "won")

    def test_lost_lead_ends_the_sequence(self):
        lead = self._inquiry()
        lead.action_set_lost()
        self._assert_left(lead, "lost")

    def test_stop_text_ends_the_sequence(self):
        lead = self._inquiry()
        self._receive("STOP", sender=lead.phone_sanitized)
        self._assert_left(lead, "opted_out")

    def test_number_opted_out_elsewhere_ends_the_sequence_when_the_step_is_due(self):
        lead = self._inquiry()
        self.env["phone.blacklist"].sudo().add(lead.phone_sanitized)
        self._run_due(STEP_1_DUE)
        self._assert_left(lead, "opted_out")

    def test_a_person_stops_the_sequence(self):
        lead = self._inquiry()
        lead.with_user(self.sales_1).action_dealer_sequence_stop()
        self._assert_left(lead, "manual")
        self.assertEqual(lead.dealer_sequence_enrollment_ids.stopped_by_id, self.sales_1)

    def test_a_stopped_lead_can_start_again(self):
        lead = self._inquiry()
        lead.action_dealer_sequence_stop()
        lead.action_dealer_sequence_start()
        self.assertEqual(lead.dealer_sequence_state, "running")
