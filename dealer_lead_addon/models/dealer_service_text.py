from odoo import fields, models

KINDS = [
    ("confirmation", "Booking Confirmation"),
    ("reminder", "Reminder"),
    ("confirmed", "Confirmed"),
    ("reschedule", "Reschedule Requested"),
    ("welcome", "Welcome at Check-in"),
    ("waiting_approval", "Waiting for Approval"),
    ("parts_on_order", "Parts on Order"),
    ("ready", "Ready"),
    ("picked_up", "Picked Up"),
    ("cancelled", "Cancelled"),
    ("no_show", "No-show"),
    ("payment_link", "Payment Link"),
    ("estimate", "Estimate"),
]


class DealerServiceText(models.Model):
    """One service text the customer was sent: the proof that it is never sent twice.

    The row is inserted before the text is queued (``INSERT ... ON CONFLICT DO NOTHING`` on
    visit, kind and slot): of two workers or two cron runs, only one gets the row and texts.
    """

    _name = "dealer.service.text"
    _description = "Service Text"
    _order = "id desc"

    visit_id = fields.Many2one("dealer.service.visit", required=True, index=True,
                               ondelete="cascade")
    partner_id = fields.Many2one("res.partner", index=True)
    kind = fields.Selection(KINDS, required=True)
    slot = fields.Char(required=True, help="What the text is about: the appointment time and "
                       "the reminder offset, or '-'.")
    offset_hours = fields.Float(string="Hours Before")
    sms_id = fields.Many2one("sms.sms", string="Text", ondelete="set null")
    sms_state = fields.Selection(related="sms_id.state", string="Text Status")

    _visit_kind_slot_uniq = models.Constraint(
        "UNIQUE(visit_id, kind, slot)", "This service text was already sent.")
