from odoo import api, fields, models
from odoo.exceptions import UserError


class DealerVideoLinkSend(models.TransientModel):
    """Send customers their live video link by text or e-mail, in their language, through
    ``dealer.outbound`` (opt-out, quiet hours and caps are checked where messages leave)."""

    _name = "dealer.video.link.send"
    _description = "Send Video Link"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True, readonly=True)
    channel = fields.Selection([("sms", "Text"), ("email", "E-mail")], required=True,
                               default="sms")
    recipient_summary = fields.Text(compute="_compute_recipient_summary", string="Recipients")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "lead_ids" in fields_list and not values.get("lead_ids") \
                and context.get("active_model") == "crm.lead":
            ids = context.get("active_ids") or [context.get("active_id")]
            values["lead_ids"] = [(6, 0, [i for i in ids if i])]
        leads = self.env["crm.lead"].browse(values.get("lead_ids", [(6, 0, [])])[0][2])
        if leads and not leads.filtered("phone_sanitized") and leads.filtered("email_normalized"):
            values["channel"] = "email"
        return values

    @api.depends("lead_ids", "channel")
    def _compute_recipient_summary(self):
        for wizard in self:
            lines = []
            for lead in wizard.lead_ids:
                address = lead.phone_sanitized if wizard.channel == "sms" else lead.email_normalized
                language = self.env._("French") if lead._dealer_customer_lang() == "fr" \
                    else self.env._("English")
                name = lead._dealer_customer_name() or lead.display_name
                lines.append(f"{name} — {address or self.env._('none')} ({language})")
            wizard.recipient_summary = "\n".join(lines)

    def action_send(self):
        self.ensure_one()
        self.env["dealer.video.session"]._dealer_require_configured()
        refused = [self.env._("%(lead)s: %(reason)s", lead=lead.display_name, reason=reason)
                   for lead in self.lead_ids
                   if (reason := lead._dealer_video_link_refusal(self.channel))]
        if refused:
            raise UserError(self.env._("The video link was not sent:\n%(reasons)s",
                                       reasons="\n".join(refused)))
        for lead in self.lead_ids:
            lead._dealer_video_send_link(self.channel)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "next": {"type": "ir.actions.act_window_close"},
            "message": self.env._("Video link queued for %(count)s customer(s).",
                                  count=len(self.lead_ids))}}
