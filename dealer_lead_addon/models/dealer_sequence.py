from odoo import api, fields, models, tools


class DealerSequence(models.Model):
    """A follow-up cadence: ordered steps (text, e-mail, call task) that new leads of the
    matching teams and sources go through until the customer answers, the lead is won or lost,
    the customer opts out, or a person stops it."""

    _name = "dealer.sequence"
    _description = "Follow-up Sequence"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10, help="The first matching sequence is used.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company)
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", help="Leads of these teams enter; empty: every team.")
    source_ids = fields.Many2many(
        "dealer.lead.source", string="Lead Sources",
        help="Leads from these sources enter; empty: every source.")
    step_ids = fields.One2many("dealer.sequence.step", "sequence_id", string="Steps", copy=True)
    enrollment_ids = fields.One2many("dealer.sequence.enrollment", "sequence_id")
    running_count = fields.Integer(string="Running", compute="_compute_running_count")

    @api.depends("enrollment_ids.state")
    def _compute_running_count(self):
        counts = dict(self.env["dealer.sequence.enrollment"]._read_group(
            [("sequence_id", "in", self.ids), ("state", "=", "running")],
            ["sequence_id"], ["__count"]))
        for sequence in self:
            sequence.running_count = counts.get(sequence._origin, 0)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _dealer_candidate_ids
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _dealer_candidate_ids
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _dealer_candidate_ids
        return super().unlink()

    @api.model
    @tools.ormcache("company_id")
    def _dealer_candidate_ids(self, company_id):
        """The active sequences with steps of a company, in order (cached: every new lead asks,
        the configuration rarely changes; its writes clear the cache)."""
        # sudo: the same answer for every user (the key has no user); callers read as sudo
        sequences = self.sudo().with_context(active_test=True).search([
            ("company_id", "in", [company_id]), ("step_ids", "!=", False)])
        return tuple(sequences.ids)

    def _dealer_find_for(self, lead):
        """The first active sequence with steps whose rules match ``lead``."""
        candidates = self.browse(self._dealer_candidate_ids(
            lead.company_id.id or self.env.company.id))
        for sequence in candidates:
            if sequence.team_ids and lead.team_id not in sequence.team_ids:
                continue
            if sequence.source_ids and lead.dealer_source_id not in sequence.source_ids:
                continue
            return sequence
        return self.browse()

    def action_view_enrollments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dealer_lead_addon.dealer_sequence_enrollment_action")
        action["domain"] = [("sequence_id", "=", self.id)]
        return action
