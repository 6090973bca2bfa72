from datetime import datetime
from unittest.mock import patch

from .common_intake import DealerIntakeCommon

# Tuesday 2026-11-24, 10:00 in Montreal (EST, UTC-5): the team is open
TUESDAY_10AM = datetime(2026, 11, 24, 15, 0)


class DealerSlaCommon(DealerIntakeCommon):
    """The intake dealership plus a response SLA on its team: first answer within 10 business
    minutes, later messages within 5, pre-warning 5 minutes before, a ladder step every 10
    business minutes (salesperson, manager, reassign, reassign...)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._dealer_salesperson("gerant", "Gilles Gerant", "+15145550199",
                                              rotation=False)
        cls.team.user_id = cls.manager
        cls.policy = cls.env["dealer.sla.policy"].create({
            "name": "Web leads", "team_id": cls.team.id, "first_response_minutes": 10,
            "message_response_minutes": 5, "prewarn_minutes": 3, "escalation_minutes": 10,
        })
        cls.Clock = cls.env["dealer.response.clock"]
        cls.sla_cron = cls.env.ref("dealer_lead_addon.ir_cron_dealer_sla_process_due")

    def _bare_lead(self, user=None, **vals):
        """A lead without intake routing nor acknowledgement, owned by ``user``."""
        return self.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Inquiry", "contact_name": "Chloé Client", "type": "opportunity",
            "team_id": self.team.id, "user_id": (user or self.sales_1).id, **vals,
        })

    def _lead_with_clock(self, at, user=None, **vals):
        with self._frozen(at):
            lead = self._bare_lead(user=user, **vals)
            lead._dealer_sla_start()
        # an inquiry: implied consent to answer it, as intake records it
        self.env["dealer.consent"]._dealer_record(
            "implied_inquiry", ["sales"], phone=lead.phone_sanitized, email=lead.email_normalized,
            lead=lead, source="inquiry", at=at)
        return lead

    def _run_cron_batch(self, at):
        """One pass of the cron's batch worker at ``at`` (no commit, as the runner would)."""
        with self._frozen(at), patch.object(
                type(self.env["ir.cron"]), "_commit_progress", lambda *a, **kw: 1.0):
            self.Clock._cron_process_due()
        self.env.invalidate_all()

    def _todo_for(self, lead, user):
        return lead.activity_ids.filtered(
            lambda a: a.user_id == user and "SLA" in (a.summary or ""))

    def _staff_sms_to(self, number):
        return self.env["sms.sms"].sudo().search(
            [("number", "=", number), ("dealer_purpose", "=", "staff")])
