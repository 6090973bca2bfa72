import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200


class DealerSequenceLog(models.Model):
    """One step of one lead's sequence: planned, then sent (or skipped, failed, canceled).

    Exactly once: the cron locks the due row, creates the text / e-mail / task and marks the
    row 'sent' in one transaction. A crash rolls both back (the provider is only called after
    the commit), a repeated or concurrent run finds the row no longer 'planned' or locked.
    """

    _name = "dealer.sequence.log"
    _description = "Follow-up Step Run"
    _order = "planned_at, id"

    enrollment_id = fields.Many2one(
        "dealer.sequence.enrollment", required=True, ondelete="cascade", index=True)
    lead_id = fields.Many2one(related="enrollment_id.lead_id", store=True, index=True)
    step_id = fields.Many2one("dealer.sequence.step", required=True, ondelete="cascade")
    name = fields.Char(related="step_id.name")
    channel = fields.Selection(related="step_id.channel")
    state = fields.Selection([
        ("waiting", "Waiting"),
        ("planned", "Planned"),
        ("sent", "Sent"),
        ("skipped", "Skipped"),
        ("failed", "Failed"),
        ("canceled", "Canceled"),
    ], required=True, default="waiting")
    planned_at = fields.Datetime(string="Planned For", required=True)
    done_at = fields.Datetime()
    message_id = fields.Many2one("mail.message", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", string="Task", ondelete="set null")
    note = fields.Char()

    _step_once = models.UniqueIndex(
        "(enrollment_id, step_id)", "A step runs once per enrollment.")
    _due_index = models.Index("(planned_at) WHERE state = 'planned'")

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_send_due_steps(self, batch_size=BATCH_SIZE):
        """Send the due steps, one batch per call (the cron runner calls again while
        ``remaining`` is positive), then wake up when the next step is due."""
        now = fields.Datetime.now()
        processed, remaining = self._dealer_send_due_batch(batch_size, now)
        self.env["ir.cron"]._commit_progress(processed, remaining=remaining)
        if not remaining:
            upcoming = self.search([("state", "=", "planned")], order="planned_at", limit=1)
            self._dealer_wake_cron(upcoming.planned_at)

    @api.model
    def _dealer_due_domain(self, now):
        return [("state", "=", "planned"), ("planned_at", "<=", now)]

    @api.model
    def _dealer_send_due_batch(self, batch_size=BATCH_SIZE, now=None):
        """Lock and send one batch of due steps (rows locked by a concurrent run are skipped).

        :return: ``(processed, remaining)``
        """
        now = now or fields.Datetime.now()
        domain = self._dealer_due_domain(now)
        due = self.search(domain, order="planned_at, id", limit=batch_size)
        logs = due.try_lock_for_update()
        logs.invalidate_recordset(["state"])  # a concurrent run may have sent them meanwhile
        logs = logs.filtered(lambda log: log.state == "planned")
        for log in logs:
            try:
                with self.env.cr.savepoint():
                    log._dealer_run(now)
            except Exception as error:
                _logger.exception("Sequence step %s failed", log.id)
                log.write({"state": "failed", "done_at": now, "note": str(error)[:200]})
                log.enrollment_id._dealer_plan_next(now)
        remaining = self.search_count(domain) if len(due) == batch_size else 0
        return len(logs), remaining

    @api.model
    def _dealer_wake_cron(self, at):
        if at:
            self.env.ref("dealer_lead_addon.ir_cron_dealer_sequence_steps")._trigger(at=at)

    # ------------------------------------------------------------
    # One step
    # ------------------------------------------------------------

    def _dealer_run(self, now):
        """Send this step (or skip it, or stop the sequence), then plan the next one."""
        self.ensure_one()
        enrollment, lead = self.enrollment_id, self.enrollment_id.lead_id
        stop_reason = lead._dealer_sequence_stop_reason()
        if enrollment.state != "running" or stop_reason:
            enrollment._dealer_stop(stop_reason or "manual")
            return
        values = {"sms": self._dealer_send_sms, "email": self._dealer_send_email,
                  "call": self._dealer_create_task}[self.step_id.channel](lead)
        self.write({"done_at": now, **values})
        enrollment._dealer_plan_next(now)

    def _dealer_skip(self, note):
        return {"state": "skipped", "note": note}

    def _dealer_consent_missing(self, phone=None, email=None):
        purpose = self.step_id.purpose
        contact = phone or email
        valid = self.env["dealer.consent"]._dealer_valid_contacts(
            purpose, phones=[phone] if phone else [], emails=[email] if email else [])
        return contact not in valid

    def _dealer_send_sms(self, lead):
        number = lead.phone_sanitized
        staff = lead._dealer_staff_env()  # the skip note is read by the lead's salesperson
        if not number:
            return self._dealer_skip(staff._("no valid phone number"))
        if self._dealer_consent_missing(phone=number):
            return self._dealer_skip(staff._("no valid consent for this kind of text"))
        lang = lead._dealer_customer_lang()
        Outbound = self.env["dealer.outbound"]
        body = Outbound._with_opt_out_notice(
            Outbound._render_sms(self.step_id._dealer_template(lang), lead, lang), lang)
        sms = Outbound._send_sms(
            lead, body, purpose=self.step_id.purpose, number=number,
            partner=lead.partner_id or None)
        return {"state": "sent", "message_id": sms.mail_message_id[:1].id}

    def _dealer_send_email(self, lead):
        email = lead.email_normalized
        staff = lead._dealer_staff_env()
        if not email or lead.is_blacklisted:
            return self._dealer_skip(staff._("no e-mail address that may receive e-mails"))
        if self._dealer_consent_missing(email=email):
            return self._dealer_skip(staff._("no valid consent for this kind of e-mail"))
        template = self.step_id._dealer_template(lead._dealer_customer_lang())
        mails = self.env["dealer.outbound"]._send_mail(lead, template,
                                                       purpose=self.step_id.purpose)
        return {"state": "sent", "message_id": mails.mail_message_id[:1].id}

    def _dealer_create_task(self, lead):
        step = self.step_id
        activity = lead.activity_schedule(
            activity_type_id=step.activity_type_id.id,
            summary=step.activity_summary or step.name,
            user_id=(lead.user_id or self.env.ref("base.user_admin")).id,
        )
        return {"state": "sent", "activity_id": activity.id}
