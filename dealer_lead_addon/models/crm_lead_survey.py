from odoo import fields, models


class CrmLead(models.Model):
    """Point 6 after a sale: when a lead is won, the customer gets one text with a link to the
    same satisfaction survey as the service customers (no gating); a detractor's answer alerts
    the sales manager (see ``survey.user_input``)."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    dealer_survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", readonly=True, copy=False)
    dealer_survey_score = fields.Integer(related="dealer_survey_input_id.dealer_score",
                                         string="Satisfaction (0-10)")

    def _handle_won_lost(self, old_status_by_lead, new_status_by_lead):
        result = super()._handle_won_lost(old_status_by_lead, new_status_by_lead)
        for lead in self:
            new = new_status_by_lead.get(lead.id) or {}
            old = old_status_by_lead.get(lead.id) or {}
            if new.get("is_won") and not old.get("is_won"):
                lead._dealer_invite_to_survey_after_sale()
        return result

    def _dealer_invite_to_survey_after_sale(self):
        """Once per lead, whatever the number of times it is won again."""
        self.ensure_one()
        survey = self.env.ref("dealer_lead_addon.survey_service_satisfaction",
                              raise_if_not_found=False)
        if not survey or not survey.active or not self.phone_sanitized:
            return None
        self.flush_recordset(["dealer_survey_input_id"])
        self.env.cr.execute("SELECT dealer_survey_input_id FROM crm_lead WHERE id = %s "
                            "FOR UPDATE", [self.id])
        if self.env.cr.fetchone()[0]:
            return None
        partner = self.partner_id
        lang = self.env["res.lang"]._lang_get(
            self.lang_id.code or partner.lang or "fr_CA")
        # sudo: salespeople invite the customer; survey answers are the survey manager's
        answer = survey.sudo()._create_answer(
            partner=partner, email=self.email_from, check_attempts=False,
            dealer_lead_id=self.id, lang_id=lang.id)
        self.dealer_survey_input_id = answer
        customer_lang = self._dealer_customer_lang()
        template = self.env.ref(f"dealer_lead_addon.sms_template_sale_survey_{customer_lang}",
                                raise_if_not_found=False)
        if not template or not (template.body or "").strip():
            return None
        body = self.env["dealer.outbound"]._render_sms(template, self, customer_lang)
        # about the purchase, nothing to sell (CASL: not a commercial message, no consent
        # needed); opt-out and quiet hours still hold where it leaves
        return self.env["dealer.outbound"]._send_sms(
            self, body, purpose="transactional", number=self.phone_sanitized,
            partner=partner or None)

    def _dealer_survey_url(self):
        """The customer's personal link to the survey after the sale."""
        self.ensure_one()
        answer = self.dealer_survey_input_id.sudo()
        return f"{answer.get_base_url()}{answer.get_start_url()}" if answer else ""
