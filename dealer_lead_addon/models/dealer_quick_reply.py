import re

from odoo import api, fields, models

PLACEHOLDER = re.compile(r"\{(\w+)\}")


class DealerQuickReply(models.Model):
    """A canned text a salesperson picks in the conversation composer, per team and language.

    The body may hold placeholders, filled on the lead when the composer opens:
    ``{first_name}`` (the customer's), ``{salesperson}`` (who writes), ``{dealer}`` (the
    company) and ``{vehicle}`` (the vehicle of interest). Managers edit them; a reply without
    a team is offered to every team.
    """

    _name = "dealer.quick.reply"
    _description = "Quick Reply"
    _order = "sequence, id"

    name = fields.Char(string="Title", required=True)
    body = fields.Text(
        required=True,
        help="Placeholders: {first_name}, {salesperson}, {dealer}, {vehicle}.")
    lang = fields.Selection(
        [("fr", "French"), ("en", "English")], string="Language", required=True, default="fr",
        help="Offered to the customers who speak this language.")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index="btree_not_null",
        help="Leave empty to offer the reply to every team.")
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index="btree_not_null")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.model
    def _dealer_for_lead(self, lead):
        """The replies offered on ``lead``: its team's and everyone's, in the customer's
        language, the team's first."""
        replies = self.search([
            ("lang", "=", lead._dealer_customer_lang()),
            ("team_id", "in", [lead.team_id.id, False]),
            ("company_id", "in", [lead.company_id.id or self.env.company.id, False]),
        ])
        return replies.sorted(lambda reply: (not reply.team_id, reply.sequence, reply.id))

    def _dealer_render(self, lead):
        """The body with its placeholders filled on ``lead``; unknown ones stay as written."""
        self.ensure_one()
        values = lead._dealer_quick_reply_values()
        return PLACEHOLDER.sub(
            lambda match: values.get(match.group(1), match.group(0)), self.body or "")
