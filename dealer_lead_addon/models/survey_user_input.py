from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools.detractor import is_detractor

_lt = LazyTranslate(__name__)


class SurveyUserInput(models.Model):
    """A service customer's satisfaction answer: its score, and the manager's call to a
    detractor (score of 6 or less, or an unhappy comment)."""

    _inherit = "survey.user_input"

    dealer_service_visit_id = fields.Many2one(
        "dealer.service.visit", string="Service Visit", readonly=True, index="btree_not_null")
    dealer_advisor_id = fields.Many2one(
        related="dealer_service_visit_id.user_id", string="Service Advisor", store=True)
    dealer_score = fields.Integer(string="Score (0-10)", readonly=True, aggregator="avg")
    dealer_comment = fields.Text(string="Comment", readonly=True)
    dealer_detractor = fields.Boolean(string="Detractor", readonly=True)
    dealer_alerted_at = fields.Datetime(string="Manager Alerted At", readonly=True)
    dealer_contacted_at = fields.Datetime(string="Customer Contacted At", readonly=True)
    dealer_contact_minutes = fields.Float(
        string="Time to Contact (min)", readonly=True, aggregator="avg", digits=(16, 0),
        help="From the answer to the first text a person sent the detractor.")

    def _mark_done(self):
        result = super()._mark_done()
        self.filtered("dealer_service_visit_id")._dealer_read_satisfaction()
        return result

    def _dealer_read_satisfaction(self):
        for answer in self:
            score_line = answer.user_input_line_ids.filtered(
                lambda line: line.answer_type == "scale" and not line.skipped)[:1]
            comment = "\n".join(answer.user_input_line_ids.filtered(
                lambda line: line.answer_type == "text_box").mapped("value_text_box") or [])
            score = score_line.value_scale if score_line else None
            # sudo: the customer answering is the public user
            answer.sudo().write({
                "dealer_score": score if score is not None else False,
                "dealer_comment": comment or False,
                "dealer_detractor": is_detractor(score, comment),
            })
            if answer.dealer_detractor:
                answer._dealer_alert_detractor(score, comment)

    def _dealer_alert_detractor(self, score, comment):
        """The service manager hears at once, on screen and by text, and gets the call to
        make (the advisor too, when the team has no manager)."""
        visit = self.dealer_service_visit_id
        manager = visit.team_id.user_id or visit._dealer_advisor()
        # sudo: the public user's answer alerts the staff
        self.sudo().dealer_alerted_at = fields.Datetime.now()
        if not manager:
            return
        score_text = "-" if score is None else str(score)
        self.env["dealer.staff.alert"].sudo()._alert(visit.sudo(), manager, _lt(
            "Unhappy customer: %(name)s gave %(score)s/10 after %(visit)s. %(comment)s",
            name=visit.partner_id.name, score=score_text, visit=visit.display_name,
            comment=(comment or "")[:200]), activity=_lt("Call the unhappy customer"))

    @api.model
    def _dealer_on_contact(self, visits, when):
        """A person texted the customer of these visits: the detractors are contacted."""
        pending = self.sudo().search([("dealer_service_visit_id", "in", visits.ids),
                                      ("dealer_detractor", "=", True),
                                      ("dealer_contacted_at", "=", False)])
        for answer in pending:
            since = answer.end_datetime or answer.create_date
            answer.write({"dealer_contacted_at": when, "dealer_contact_minutes": round(
                max((when - since).total_seconds(), 0) / 60)})
