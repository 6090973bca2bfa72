import uuid
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user
from odoo.tests.test_cursor import TestCursor

from odoo.addons.base.models.ir_cron import IrCron
from odoo.addons.mail.tests.common import MailCommon
from odoo.addons.sms.tests.common import MockSMS

FIXTURES = Path(__file__).parent / "fixtures"

# Tuesday 2026-11-24: 15:00 UTC is 10:00 in Montreal (EST), inside business hours
OPEN_NOW = datetime(2026, 11, 24, 15, 0)
# 18:30 in Montreal, after the 17:00 close; next opening Wednesday 08:00 = 13:00 UTC
AFTER_HOURS_NOW = datetime(2026, 11, 24, 23, 30)


def fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


class DealerIntakeCommon(MailCommon):
    """A Montreal dealership: a sales team open Mon-Fri 8-12/13-17 (Toronto time), two
    salespeople on that shift with alert mobiles, an after-hours owner, one lead source."""

    SOURCE_KEY = "test-key-autotrader-0123456789"
    mockSMSGateway = MockSMS.mockSMSGateway
    _clear_sms_sent = MockSMS._clear_sms_sent

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({
            "country_id": cls.env.ref("base.ca").id, "name": "Auto Laval",
            # texts may leave at any hour unless a test is about quiet hours: the suite must
            # not depend on the hour it runs at
            "dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0,
        })
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Sales hours", "tz": "America/Toronto"})
        cls.team = cls.env["crm.team"].create({
            "name": "Ventes", "alias_name": "ventes",
            "dealer_resource_calendar_id": cls.calendar.id,
        })
        cls.sales_1 = cls._dealer_salesperson("marc", "Marc Gagnon", "+15145550101")
        cls.sales_2 = cls._dealer_salesperson("julie", "Julie Roy", "+15145550102")
        cls.night_owner = cls._dealer_salesperson("nuit", "Nadia Nuit", False, rotation=False)
        cls.team.write({"dealer_after_hours_user_id": cls.night_owner.id,
                        "user_id": cls.sales_1.id})
        cls.source = cls.env["dealer.lead.source"].create({
            "name": "AutoTrader.ca", "code": "autotrader", "email_match": "autotrader.example",
            "provider_match": "AutoTrader.ca",
            "team_id": cls.team.id, "default_lang": "en_US",
        })
        cls.source._dealer_set_api_key(cls.SOURCE_KEY)

    @classmethod
    def _dealer_salesperson(cls, login, name, mobile, rotation=True, calendar=None):
        user = new_test_user(
            cls.env, login=login, name=name, email=f"{login}@autolaval.example",
            groups="dealer_lead_addon.group_dealer_lead_salesperson",
            notification_type="inbox")
        user.dealer_alert_mobile = mobile
        cls.env["resource.resource"].create({
            "name": name, "user_id": user.id, "tz": "America/Toronto",
            "calendar_id": (calendar or cls.calendar).id})
        cls.env["crm.team.member"].create({
            "crm_team_id": cls.team.id, "user_id": user.id, "dealer_in_rotation": rotation})
        return user

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _adf_email(self, adf_text=None, *, as_attachment=False, html=False, body=None,
                   email_from="leads@autotrader.example", subject="New lead", msg_id=None):
        message = EmailMessage()
        message["From"] = email_from
        message["To"] = f"ventes@{self.alias_domain}"
        message["Subject"] = subject
        # unique even under frozen time: Odoo drops an e-mail whose Message-Id it has seen
        message["Message-Id"] = msg_id or f"<{uuid.uuid4().hex}@test>"
        if html:
            escaped = (adf_text or "").replace("&", "&amp;").replace("<", "&lt;").replace(
                ">", "&gt;").replace("\n", "<br/>\n")
            message.set_content(f"<html><body><p>New lead from your website:</p><p>{escaped}"
                                f"</p></body></html>", subtype="html")
        else:
            message.set_content(body if body is not None else (
                "See attached lead." if as_attachment else adf_text))
        if as_attachment:
            message.add_attachment(adf_text.encode(), maintype="application",
                                   subtype="xml", filename="lead.adf")
        return message.as_string()

    def _process_email(self, raw):
        """Deliver ``raw`` to the leads alias through the standard mail gateway."""
        return self.env["mail.thread"].sudo().message_process("crm.lead", raw)

    def _last_intake(self):
        return self.env["dealer.lead.intake"].search([], order="id desc", limit=1)

    def _run_postcommit(self):
        """What happens right after the lead's transaction commits: its post-commit hooks,
        then the crons it woke (acknowledgements, then the SMS and mail queues).

        Post-commit hooks open new cursors, which wrap the test cursor here; unlike real
        cursors, test cursors drop their own post-commit hooks on commit, so they are run here
        as a real commit would.
        """
        self.env.flush_all()
        if not type(self)._registry_patched:
            self.registry_enter_test_mode()
        original_commit = TestCursor.commit

        def commit(cursor):
            funcs, data = list(cursor.postcommit._funcs), dict(cursor.postcommit.data)
            original_commit(cursor)
            cursor.postcommit.data.update(data)
            for func in funcs:
                func()
            cursor.postcommit.clear()

        with patch.object(TestCursor, "commit", commit):
            self.env.cr.postcommit.run()
        self.env.invalidate_all()
        self._run_acknowledgements()
        self._run_queues()

    @staticmethod
    def _no_commit_progress():
        return patch.object(IrCron, "_commit_progress", lambda self, *a, **k: float("inf"))

    def _run_acknowledgements(self, rounds=5):
        """The acknowledgement cron woken at intake, as a cron worker runs it after commit."""
        Lead = self.env["crm.lead"]
        with self._no_commit_progress():
            for _round in range(rounds):
                if not Lead.search_count([("dealer_ack_state", "=", "pending")]):
                    break
                Lead._cron_dealer_send_pending_acks()
        self.env.invalidate_all()

    def _run_queues(self, rounds=5):
        """The SMS and mail queue crons, as the cron workers run them once woken (batches
        until none is due; commits are no-ops in tests)."""
        Sms = self.env["sms.sms"].sudo()
        with self._no_commit_progress():
            for _round in range(rounds):
                if not Sms.search_count(Sms._dealer_due_domain(fields.Datetime.now())):
                    break
                Sms._process_queue()
            self.env["mail.mail"].sudo().process_email_queue()
        self.env.invalidate_all()

    @contextmanager
    def _frozen(self, when):
        with self.mock_datetime_and_now(when):
            yield

    def mock_datetime_and_now(self, mock_dt):
        return MockSMS.mock_datetime_and_now(self, mock_dt)

    def _sms_to(self, number):
        return self.env["sms.sms"].sudo().search([("number", "=", number)])

    @contextmanager
    def _no_outgoing_http(self):
        with patch("odoo.addons.sms.tools.sms_api.SmsApi._contact_iap") as contact:
            yield contact
