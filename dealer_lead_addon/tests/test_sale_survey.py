from datetime import timedelta

from odoo.tests import tagged

from .common_intake import OPEN_NOW
from .common_texting import CUSTOMER, DealerTextingCommon

MANAGER_MOBILE = "+15145550101"


@tagged("post_install", "-at_install")
class TestSaleSurvey(DealerTextingCommon):
    """A won sale: one text with the link of the same satisfaction survey as the service
    customers; an unhappy answer alerts the sales manager."""

    def _won(self, lead=None):
        lead = lead or self.customer_lead
        with self._frozen(OPEN_NOW):
            lead.action_set_won()
        return lead

    def _survey_texts(self):
        return self.env["sms.sms"].sudo().search(
            [("number", "=", CUSTOMER), ("body", "ilike", "Votre avis en 1 minute")])

    def _answer(self, lead, score, comment=""):
        answer = lead.dealer_survey_input_id
        questions = answer.survey_id.question_ids.sorted("sequence")
        with self._frozen(OPEN_NOW + timedelta(hours=2)):
            answer._save_lines(questions[0], str(score))
            if comment:
                answer._save_lines(questions[1], comment)
            answer._mark_done()
        return answer

    def test_a_won_sale_texts_the_survey_link(self):
        lead = self._won()
        text = self._survey_texts()
        self.assertEqual(len(text), 1)
        self.assertIn(lead.dealer_survey_input_id.access_token, text.body)
        self.assertEqual(text.dealer_purpose, "transactional")

    def test_the_same_survey_as_the_service_customers(self):
        lead = self._won()
        self.assertEqual(lead.dealer_survey_input_id.survey_id,
                         self.env.ref("dealer_lead_addon.survey_service_satisfaction"))
        self.assertEqual(lead.dealer_survey_input_id.lang_id.code, "fr_CA")

    def test_no_survey_text_to_a_customer_who_opted_out(self):
        self.env["phone.blacklist"].sudo().add(CUSTOMER)
        self._won()
        self._run_queues()
        self.assertFalse(self._survey_texts().filtered(lambda sms: sms.state != "canceled"))

    def test_won_again_texts_once(self):
        lead = self._won()
        with self._frozen(OPEN_NOW):
            lead.stage_id = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
            lead.action_set_won()
        self.assertEqual(len(self._survey_texts()), 1)

    def test_a_detractor_alerts_the_sales_manager(self):
        lead = self._won()
        answer = self._answer(lead, 4, "Déçu du délai de livraison")
        self.assertTrue(answer.dealer_detractor)
        alert = self._texts_to(MANAGER_MOBILE).filtered(lambda sms: "4/10" in sms.body)
        self.assertEqual(len(alert), 1)
        activity = lead.activity_ids.filtered(lambda a: a.summary == "Call the unhappy customer")
        self.assertEqual(activity.user_id, self.sales_1)

    def test_a_happy_buyer_alerts_nobody(self):
        lead = self._won()
        answer = self._answer(lead, 10, "Excellent")
        self.assertFalse(answer.dealer_detractor)
        self.assertFalse(self._texts_to(MANAGER_MOBILE).filtered(lambda s: "/10" in s.body))
