from datetime import timedelta

from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_service import ENGLISH_CUSTOMER, DealerServiceCommon
from .common_texting import CUSTOMER

MANAGER_MOBILE = "+15145550101"


@tagged("post_install", "-at_install")
class TestServiceSurvey(DealerServiceCommon):
    """After pick-up, one text with the survey link, the same survey for everyone; an unhappy
    answer reaches the service manager at once."""

    def _picked_up(self, partner=None):
        visit = self._booked(partner)
        with self._frozen(OPEN_NOW):
            visit.action_picked_up()
        return visit

    def _answer(self, visit, score, comment=""):
        survey = self.env.ref("dealer_lead_addon.survey_service_satisfaction")
        answer = visit.survey_input_id
        questions = survey.question_ids.sorted("sequence")
        with self._frozen(OPEN_NOW + timedelta(hours=2)):
            answer._save_lines(questions[0], str(score))
            if comment:
                answer._save_lines(questions[1], comment)
            answer._mark_done()
        return answer

    def test_pick_up_text_carries_the_survey_link(self):
        visit = self._picked_up()
        text = self._service_texts()[-1]
        self.assertIn("Votre avis en 1 minute", text.body)
        self.assertIn(visit.survey_input_id.access_token, text.body)
        self.assertEqual(visit.survey_input_id.lang_id.code, "fr_CA")

    def test_every_customer_gets_the_same_survey(self):
        french, english = self._picked_up(), self._picked_up(self.john)
        self.assertEqual(french.survey_input_id.survey_id, english.survey_input_id.survey_id)
        self.assertIn("Your feedback in 1 minute",
                      self._service_texts(ENGLISH_CUSTOMER)[-1].body)

    def test_a_low_score_alerts_the_service_manager(self):
        visit = self._picked_up()
        answer = self._answer(visit, 5, "Long délai")
        self.assertTrue(answer.dealer_detractor)
        self.assertEqual(answer.dealer_score, 5)
        alert = self._texts_to(MANAGER_MOBILE).filtered(lambda sms: "5/10" in sms.body)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.dealer_purpose, "staff")
        activity = visit.activity_ids.filtered(
            lambda a: a.summary == "Call the unhappy customer")
        self.assertEqual(activity.user_id, self.sales_1)

    def test_a_high_score_with_an_unhappy_comment_alerts(self):
        answer = self._answer(self._picked_up(), 9, "Très déçu, l'auto était sale")
        self.assertTrue(answer.dealer_detractor)
        self.assertTrue(answer.dealer_alerted_at)

    def test_a_happy_customer_alerts_nobody(self):
        answer = self._answer(self._picked_up(), 9, "Super service!")
        self.assertFalse(answer.dealer_detractor)
        self.assertFalse(self._texts_to(MANAGER_MOBILE).filtered(
            lambda sms: "Unhappy" in sms.body))

    def test_time_to_contact_the_detractor(self):
        visit = self._picked_up()
        answer = self._answer(visit, 3)
        with self._frozen(OPEN_NOW + timedelta(hours=2, minutes=25)):
            self.env["dealer.outbound"]._send_sms(
                visit, "Bonjour, ici le directeur du service.", purpose="service",
                partner=self.sophie, number=CUSTOMER, author=self.sales_1, automated=False)
            self._run_queues()
        self.assertEqual(answer.dealer_contact_minutes, 25)

    def test_scores_by_advisor(self):
        self._answer(self._picked_up(), 4)
        self._answer(self._picked_up(), 10)
        self.env.flush_all()
        rows = self.env["survey.user_input"]._read_group(
            [("dealer_service_visit_id", "!=", False)], ["dealer_advisor_id"],
            ["dealer_score:avg", "__count"])
        self.assertEqual(rows, [(self.advisor, 7.0, 2)])
