from datetime import UTC, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DELAY_UNITS = {"minutes": 1, "hours": 60, "days": 1440}


class DealerSequenceStep(models.Model):
    _name = "dealer.sequence.step"
    _description = "Follow-up Step"
    _order = "sequence_id, sequence, id"

    sequence_id = fields.Many2one(
        "dealer.sequence", string="Follow-up Sequence", required=True, ondelete="cascade",
        index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    delay = fields.Integer(
        default=1, help="Time after the previous step (or after the lead came in).")
    delay_unit = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")],
        default="days", required=True)
    delay_basis = fields.Selection(
        [("business", "Business Time"), ("wall", "Wall-clock Time")],
        default="business", required=True,
        help="Business time counts only the team's opening hours (holidays skipped); "
             "wall-clock time counts every minute.")
    channel = fields.Selection(
        [("sms", "Text"), ("email", "E-mail"), ("call", "Call Task")],
        default="sms", required=True)
    purpose = fields.Selection(
        [("sales", "Sales Follow-up"), ("marketing", "Marketing")], default="sales",
        required=True, help="Both need a valid consent when the step is sent; marketing "
                            "needs a marketing consent.")
    sms_template_fr_id = fields.Many2one(
        "sms.template", string="Text (French)", domain=[("model", "=", "crm.lead")])
    sms_template_en_id = fields.Many2one(
        "sms.template", string="Text (English)", domain=[("model", "=", "crm.lead")])
    sms_fr_segments = fields.Integer(
        string="Segments (French)", related="sms_template_fr_id.dealer_sms_segments")
    sms_en_segments = fields.Integer(
        string="Segments (English)", related="sms_template_en_id.dealer_sms_segments")
    mail_template_fr_id = fields.Many2one(
        "mail.template", string="E-mail (French)", domain=[("model", "=", "crm.lead")])
    mail_template_en_id = fields.Many2one(
        "mail.template", string="E-mail (English)", domain=[("model", "=", "crm.lead")])
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Task Type",
        default=lambda self: self.env.ref("mail.mail_activity_data_call",
                                          raise_if_not_found=False))
    activity_summary = fields.Char(string="Task Summary", translate=True)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # dealer.sequence._dealer_candidate_ids
        return super().create(vals_list)

    def write(self, vals):
        if "sequence_id" in vals:
            self.env.registry.clear_cache()  # dealer.sequence._dealer_candidate_ids
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # dealer.sequence._dealer_candidate_ids
        return super().unlink()

    @api.constrains("channel", "sms_template_fr_id", "sms_template_en_id",
                    "mail_template_fr_id", "mail_template_en_id", "activity_type_id")
    def _check_channel_content(self):
        for step in self:
            missing = {
                "sms": not (step.sms_template_fr_id and step.sms_template_en_id),
                "email": not (step.mail_template_fr_id and step.mail_template_en_id),
                "call": not step.activity_type_id,
            }[step.channel]
            if missing:
                raise ValidationError(self.env._(
                    "Step %(step)s needs its French and English template (or, for a call, a "
                    "task type).", step=step.name))

    def _dealer_template(self, lang):
        """The step's template in the customer's language ('fr' or 'en')."""
        self.ensure_one()
        if self.channel == "sms":
            return self.sms_template_fr_id if lang == "fr" else self.sms_template_en_id
        return self.mail_template_fr_id if lang == "fr" else self.mail_template_en_id

    def _dealer_due_after(self, start, team):
        """When the step is due if the previous one happened at ``start`` (naive UTC)."""
        self.ensure_one()
        minutes = self.delay * DELAY_UNITS[self.delay_unit]
        calendar = team._dealer_calendar() if self.delay_basis == "business" else False
        if not calendar or minutes <= 0:
            return start + timedelta(minutes=max(minutes, 0))
        hours = minutes / 60
        if self.delay_unit == "days":  # a business day is the calendar's working day
            hours = self.delay * (calendar.hours_per_day or 8.0)
        end = calendar.plan_hours(hours, start.replace(tzinfo=UTC), compute_leaves=True)
        if not end:  # no working time ahead: fall back to wall-clock time
            return start + timedelta(minutes=minutes)
        return end.astimezone(UTC).replace(tzinfo=None, microsecond=0)
