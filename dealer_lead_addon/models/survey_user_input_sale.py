from odoo import fields, models
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)


class SurveyUserInput(models.Model):
    """A customer's satisfaction answer after a sale: a detractor alerts the sales manager."""

    _inherit = "survey.user_input"  # pylint: disable=consider-merging-classes-inherited

    dealer_lead_id = fields.Many2one("crm.lead", string="Won Lead", readonly=True,
                                     index="btree_not_null")
    dealer_salesperson_id = fields.Many2one(related="dealer_lead_id.user_id",
                                            string="Salesperson", store=True)

    def _mark_done(self):
        result = super()._mark_done()
        self.filtered(lambda answer: answer.dealer_lead_id
                      and not answer.dealer_service_visit_id)._dealer_read_satisfaction()
        return result

    def _dealer_alert_detractor(self, score, comment):
        if not self.dealer_lead_id or self.dealer_service_visit_id:
            return super()._dealer_alert_detractor(score, comment)
        lead = self.dealer_lead_id
        manager = lead.team_id.user_id or lead.user_id
        # sudo: the public user's answer alerts the staff
        self.sudo().dealer_alerted_at = fields.Datetime.now()
        if not manager:
            return None
        score_text = "-" if score is None else str(score)
        return self.env["dealer.staff.alert"].sudo()._alert(lead.sudo(), manager, _lt(
            "Unhappy customer: %(name)s gave %(score)s/10 after buying (%(lead)s). %(comment)s",
            name=lead._dealer_customer_name(), score=score_text, lead=lead.name,
            comment=(comment or "")[:200]), activity=_lt("Call the unhappy customer"))
