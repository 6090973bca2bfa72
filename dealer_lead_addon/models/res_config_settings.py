from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # the fields keep their historical names; what they hold is the sending window
    dealer_quiet_hour_start = fields.Float(
        related="company_id.dealer_quiet_hour_start", readonly=False, string="Texts Sent From")
    dealer_quiet_hour_end = fields.Float(
        related="company_id.dealer_quiet_hour_end", readonly=False, string="Texts Sent Until")
    dealer_sms_webhook_url = fields.Char(
        related="company_id.dealer_sms_webhook_url", readonly=False)
    dealer_marketing_cap = fields.Integer(
        related="company_id.dealer_marketing_cap", readonly=False)
    dealer_marketing_cap_days = fields.Integer(
        related="company_id.dealer_marketing_cap_days", readonly=False)
    dealer_tire_months = fields.Integer(related="company_id.dealer_tire_months", readonly=False)
    dealer_tire_km = fields.Integer(related="company_id.dealer_tire_km", readonly=False)

    # ------------------------------------------------------------
    # Live video
    # ------------------------------------------------------------

    dealer_video_gateway_url = fields.Char(
        string="Video Gateway URL", config_parameter="dealer_lead_addon.video_gateway_url",
        help="Public base URL of the video gateway, e.g. https://video.dealer.example "
             "(its GATEWAY_PUBLIC_URL).")
    dealer_video_secret = fields.Char(
        string="Video Gateway Secret", config_parameter="dealer_lead_addon.video_secret",
        groups="base.group_system",
        help="Shared with the gateway (its GATEWAY_SECRET), at least 32 characters: signs the "
             "join links and the gateway's callbacks.")
    dealer_video_link_hours = fields.Integer(
        string="Customer Link Validity (hours)", default=48,
        config_parameter="dealer_lead_addon.video_link_hours")
    dealer_video_ring_seconds = fields.Integer(
        string="Ring Timeout (seconds)", default=90,
        config_parameter="dealer_lead_addon.video_ring_seconds",
        help="How long a waiting customer rings before being offered a call-back; must match "
             "the gateway's GATEWAY_RING_TIMEOUT.")
    dealer_video_record = fields.Boolean(
        string="Record Video Sessions", config_parameter="dealer_lead_addon.video_record",
        help="Offer recording; a session is recorded only when the customer and the advisor "
             "both consent, and the recording is attached to the lead.")
    dealer_video_ack_link = fields.Boolean(
        string="Video Link in Acknowledgements",
        config_parameter="dealer_lead_addon.video_ack_link",
        help="The acknowledgement sent while the team is open invites the customer to talk "
             "live on video, with their own link.")
