from odoo import models

from ..models.dealer_outbound import DealerSend, server_send
from ..tools.video_token import VIDEO_LINK_PLACEHOLDER


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    def _prepare_mass_sms(self, records, sms_record_values):
        """A text sent to a whole list of records at once is a promotion: 'marketing' (it needs
        a marketing consent and waits for the end of quiet hours), unless the code of this
        addon that uses the composer said otherwise."""
        composer = self if server_send(self.env) else self.with_context(
            dealer_send=DealerSend("marketing"))
        return super(SmsComposer, composer)._prepare_mass_sms(records, sms_record_values)

    def _prepare_mass_sms_values(self, records):
        """Each lead's text gets its own customer video link, minted now that it is sent."""
        values = super()._prepare_mass_sms_values(records)
        if records._name == "crm.lead":
            Lead = self.env["crm.lead"]
            for record_id, vals in values.items():
                if VIDEO_LINK_PLACEHOLDER in (vals.get("body") or ""):
                    vals["body"] = Lead._dealer_video_mint_links(record_id, vals["body"])
        return values
