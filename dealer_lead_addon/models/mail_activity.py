from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A phone call logged as done on a lead is a human response (SLA)."""
        calls = self.filtered(
            lambda activity: activity.res_model == "crm.lead"
            and activity.activity_type_id.category == "phonecall")
        lead_ids = calls.mapped("res_id")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        Lead = self.env["crm.lead"]
        if lead_ids and Lead._dealer_sla_is_person(self.env.user):
            # sudo: whoever logs the call, the SLA clock of the lead must stop
            Lead.sudo().browse(lead_ids).exists()._dealer_human_responded("call", self.env.user)
        return result
