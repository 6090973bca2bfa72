from odoo import api, fields, models, tools


class DealerRoutingRule(models.Model):
    """First matching rule (by sequence) decides the team, and optionally the salesperson, of a
    new lead; the team's weighted round robin picks the person otherwise."""

    _name = "dealer.routing.rule"
    _description = "Lead Routing Rule"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    source_ids = fields.Many2many(
        "dealer.lead.source", string="Sources", help="Empty: any source.")
    vehicle_condition = fields.Selection(
        [("any", "Any"), ("new", "New"), ("used", "Used")], default="any", required=True,
        string="New/Used")
    make = fields.Char(
        help="Comma-separated makes (case-insensitive); empty: any make.")
    team_id = fields.Many2one("crm.team", required=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson",
        help="Give matching leads to this person when on shift, else to the team's rotation.")

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _dealer_rule_ids
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()  # _dealer_rule_ids
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _dealer_rule_ids
        return super().unlink()

    @api.model
    @tools.ormcache("company_id")
    def _dealer_rule_ids(self, company_id):
        """The active rules of a company, in order (cached: every new lead asks, the rules
        rarely change; their writes clear the cache)."""
        # sudo: the same answer for every user (the key has no user); the rules are then read
        # with the caller's rights
        rules = self.sudo().with_context(active_test=True).search([
            ("company_id", "in", [company_id])])
        return tuple(rules.ids)

    def _dealer_matches(self, facts):
        """Whether the rule applies to an inquiry described by ``facts`` (see
        ``crm.lead._dealer_route_facts``)."""
        self.ensure_one()
        if self.source_ids and facts["source"] not in self.source_ids:
            return False
        if self.vehicle_condition != "any" and facts["condition"] != self.vehicle_condition:
            return False
        if self.make:
            makes = {m.strip().lower() for m in self.make.split(",") if m.strip()}
            if (facts["make"] or "").strip().lower() not in makes:
                return False
        return True

    def _dealer_find(self, facts):
        """The first rule of the inquiry's company matching its facts (empty if none)."""
        company = facts["company"] or self.env.company
        rules = self.browse(self._dealer_rule_ids(company.id))
        return next((rule for rule in rules if rule._dealer_matches(facts)), self.browse())
