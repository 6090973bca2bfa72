from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_REMINDER_HOURS = "24,2"


class DealerServiceTeam(models.Model):
    """A service department: its advisors, its manager, and when its appointment texts go."""

    _name = "dealer.service.team"
    _description = "Service Team"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    user_id = fields.Many2one(
        "res.users", string="Service Manager", domain=[("share", "=", False)],
        help="Alerted when a visit has no advisor.")
    member_ids = fields.Many2many(
        "res.users", string="Service Advisors", domain=[("share", "=", False)])
    send_confirmation = fields.Boolean(
        string="Confirm Bookings by Text", default=True,
        help="Text the customer when an appointment is booked.")
    reminder_hours = fields.Char(
        string="Reminders (hours before)", default=DEFAULT_REMINDER_HOURS,
        help="Comma-separated hours before the appointment when the customer is reminded, "
             "e.g. '24,2'. Empty: no reminders.")
    send_status_texts = fields.Boolean(
        string="Text Status Changes", default=True,
        help="Text the customer at each status of the visit that has a text template "
             "(check-in, waiting for approval, parts on order, ready...).")

    response_minutes = fields.Integer(
        string="Answer Customers Within (min)", default=10,
        help="A customer's text about a visit must be answered by text within this time; the "
             "advisor and the service manager are alerted when it is not. 0: no deadline.")

    payment_link_at_ready = fields.Boolean(
        string="Payment Link When Ready",
        help="When a visit with an amount due becomes ready, text the customer a link to pay.")
    survey_id = fields.Many2one(
        "survey.survey", string="Satisfaction Survey",
        default=lambda self: self.env.ref("dealer_lead_addon.survey_service_satisfaction",
                                          raise_if_not_found=False),
        help="Sent to every customer at pick-up (the same survey for all: no review gating). "
             "A score of 6 or less, or an unhappy comment, alerts the service manager.")

    @api.constrains("reminder_hours")
    def _check_reminder_hours(self):
        for team in self:
            try:
                team._dealer_reminder_offsets()
            except ValueError as error:
                raise ValidationError(self.env._(
                    "Reminders must be hours before the appointment separated by commas, "
                    "e.g. 24,2.")) from error

    def _dealer_reminder_offsets(self):
        """The reminder offsets in hours, largest first (no team: 24 h and 2 h)."""
        text = self.reminder_hours if self else DEFAULT_REMINDER_HOURS
        offsets = {float(part) for part in (text or "").replace(";", ",").split(",")
                   if part.strip()}
        if any(offset <= 0 or offset > 24 * 14 for offset in offsets):
            raise ValueError(text)
        return sorted(offsets, reverse=True)
