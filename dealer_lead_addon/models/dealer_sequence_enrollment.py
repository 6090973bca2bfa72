from odoo import api, fields, models

STOP_REASONS = [
    ("replied", "Customer Answered"),
    ("won", "Lead Won"),
    ("lost", "Lead Lost"),
    ("opted_out", "Customer Opted Out"),
    ("manual", "Stopped by a Person"),
]


class DealerSequenceEnrollment(models.Model):
    """A lead going through a sequence. Its step runs (``dealer.sequence.log``) are created
    when it enters: the next one 'planned', the later ones 'waiting', so the lead shows its
    whole cadence."""

    _name = "dealer.sequence.enrollment"
    _description = "Follow-up Enrollment"
    _order = "id desc"
    _rec_name = "sequence_id"

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True)
    sequence_id = fields.Many2one("dealer.sequence", required=True, ondelete="cascade",
                                  index=True)
    company_id = fields.Many2one(related="sequence_id.company_id", store=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("stopped", "Stopped")],
        default="running", required=True, index=True)
    started_at = fields.Datetime(default=fields.Datetime.now, required=True)
    stop_reason = fields.Selection(STOP_REASONS)
    stopped_at = fields.Datetime()
    stopped_by_id = fields.Many2one("res.users")
    log_ids = fields.One2many("dealer.sequence.log", "enrollment_id", string="Steps")

    _one_running_per_lead = models.UniqueIndex(
        "(lead_id) WHERE state = 'running'", "A lead runs one sequence at a time.")

    @api.model
    def _dealer_enroll(self, lead, sequence, at=None):
        """Start ``sequence`` for ``lead``: plan every step from ``at``."""
        at = (at or fields.Datetime.now()).replace(microsecond=0)
        self.flush_model(["state"])  # a stop just written must reach the unique index first
        enrollment = self.create({"lead_id": lead.id, "sequence_id": sequence.id,
                                  "started_at": at})
        planned, logs = at, []
        for index, step in enumerate(sequence.step_ids.sorted(lambda s: (s.sequence, s.id))):
            planned = step._dealer_due_after(planned, lead.team_id)
            logs.append({
                "enrollment_id": enrollment.id,
                "step_id": step.id,
                "state": "planned" if index == 0 else "waiting",
                "planned_at": planned,
            })
        self.env["dealer.sequence.log"].create(logs)
        self.env["dealer.sequence.log"]._dealer_wake_cron(logs[0]["planned_at"] if logs else None)
        return enrollment

    def _dealer_stop(self, reason):
        """Leave the sequence: nothing more is sent; the steps not sent are canceled."""
        running = self.filtered(lambda e: e.state == "running")
        if not running:
            return
        running.write({
            "state": "stopped",
            "stop_reason": reason,
            "stopped_at": fields.Datetime.now(),
            "stopped_by_id": self.env.uid if reason == "manual" else False,
        })
        running.log_ids.filtered(lambda log: log.state in ("planned", "waiting")).write(
            {"state": "canceled"})

    def _dealer_plan_next(self, after):
        """The step after the one just done becomes 'planned'; the sequence is done after its
        last step. Later steps' estimates move with it."""
        for enrollment in self:
            waiting = enrollment.log_ids.filtered(lambda log: log.state == "waiting").sorted(
                lambda log: (log.step_id.sequence, log.step_id.id))
            if not waiting:
                enrollment.state = "done"
                continue
            planned = after
            for index, log in enumerate(waiting):
                planned = log.step_id._dealer_due_after(planned, enrollment.lead_id.team_id)
                log.write({"planned_at": planned,
                           **({"state": "planned"} if index == 0 else {})})
            self.env["dealer.sequence.log"]._dealer_wake_cron(waiting[0].planned_at)
