from odoo import api, fields, models


class DealerSlaPolicyReplan(models.TransientModel):
    """Asks before new response targets move the deadlines of the clocks already running
    (a shorter target can make several leads overdue at once, and their alerts go out)."""

    _name = "dealer.sla.policy.replan"
    _description = "Confirm Response SLA Change"

    policy_id = fields.Many2one("dealer.sla.policy", required=True, ondelete="cascade")
    values = fields.Json(required=True, help="The change the manager saved.")
    clock_count = fields.Integer(compute="_compute_clock_count", string="Running Clocks")
    message = fields.Text(compute="_compute_clock_count")

    @api.depends("policy_id")
    def _compute_clock_count(self):
        for wizard in self:
            wizard.clock_count = len(wizard.policy_id._dealer_clocks_to_replan())
            wizard.message = self.env._(
                "%(count)s running response clock(s) of the policy \"%(policy)s\" follow the "
                "current targets. Re-planned, their deadlines and pre-warnings move to the "
                "new targets counted from when each lead arrived: a lead already past its new "
                "deadline turns overdue at once and its escalation starts (alerts, "
                "reassignment).", count=wizard.clock_count, policy=wizard.policy_id.name)

    def action_save_and_replan(self):
        return self._dealer_save(replan=True)

    def action_save_keep_deadlines(self):
        return self._dealer_save(replan=False)

    def _dealer_save(self, replan):
        self.ensure_one()
        self.policy_id.with_context(dealer_sla_replan=replan).write(self.values)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
