"""The reliability harness: a real prefork Odoo 19 with the addon, a Twilio stand-in at the HTTP
boundary and an SMTP sink, shared by the whole session (installing takes a minute or two).

Helpers live in ``rel_odoo`` (database, server, clients), ``rel_twilio`` (the provider),
``rel_smtp`` (the mail server) and ``rel_leads`` (inquiries and inbound texts).
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import rel_odoo
from rel_smtp import SmtpSink
from rel_twilio import TwilioStandIn, make_certificates

ACCOUNT_SID = "AC" + "5e1a09ecb8f698da" * 2
AUTH_TOKEN = "0f9d7c2b64a3e1f8" * 2
DEALER_NUMBER = "+14385550100"
WEBHOOK_URL = "https://crm.autolaval.example/dealer_lead/sms/inbound"
BURST_SALESPEOPLE = [
    ("rel_marc", "Marc Gagnon", "+15145550901"),
    ("rel_julie", "Julie Roy", "+15145550902"),
    ("rel_sam", "Samuel Côté", "+15145550903"),
]
BURST_WEIGHTS = [1, 1, 2]
# the web team's salesperson: alert mobile, and a different number on their contact (partner)
WEB_SALESPERSON = ("rel_nadia", "Nadia Lavoie", "+15145550904", "+15145550905")
MANAGER = ("rel_manager", "manager-pw-0123456789")
ADMIN_PASSWORD = "admin-pw-0123456789"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    odoo = item.funcargs.get("odoo") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(odoo, Dealer):
        report.sections.append(("Odoo log (tail)", odoo.server.log_tail(60)))


@dataclass
class Dealer:
    """What the tests need to know about the running dealership."""

    db: str
    server: rel_odoo.OdooServer
    twilio: TwilioStandIn
    smtp: SmtpSink
    ids: dict
    api_keys: dict
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    dealer_number: str = DEALER_NUMBER
    webhook_url: str = WEBHOOK_URL

    @property
    def url(self):
        return self.server.url

    def sql(self, query):
        return rel_odoo.psql(self.db, query)

    def admin(self):
        return rel_odoo.JsonRpc(self.url, self.db, "admin", ADMIN_PASSWORD)

    def manager(self):
        return rel_odoo.JsonRpc(self.url, self.db, MANAGER[0], MANAGER[1])

    def log_since(self, offset):
        return self.server.log_text()[offset:]

    def log_offset(self):
        return len(self.server.log_text())

    def run_sms_queue(self):
        """Run the SMS queue cron now, as the cron worker would (synchronously)."""
        self.admin().call("ir.cron", "method_direct_trigger",
                          [self.ids["sms_cron_id"]])

    def run_mail_queue(self):
        self.admin().call("ir.cron", "method_direct_trigger", [self.ids["mail_cron_id"]])

    @staticmethod
    def poll(predicate, timeout, interval=0.5):
        """Poll ``predicate()`` until truthy or ``timeout`` s; return its last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="dealer-reliability-"))
    yield path
    if not os.environ.get("REL_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def twilio(workdir):
    standin = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, make_certificates(workdir))
    yield standin
    standin.close()


@pytest.fixture(scope="session")
def smtp():
    sink = SmtpSink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def odoo(workdir, twilio, smtp):
    if not rel_odoo.odoo_available():
        pytest.skip(f"Odoo 19 not found at {rel_odoo.odoo_tests.ODOO_PATH} (set ODOO_PATH)")
    db = os.environ.get("REL_DB") or f"dealer_rel_{os.getpid()}"
    port = rel_odoo.odoo_tests.free_port()
    api_keys = {"burst": "rel-burst-key-" + "7" * 24, "web": "rel-web-key-" + "3" * 24}
    rel_odoo.create_database(db, workdir / "install.log")
    try:
        ids = rel_odoo.configure_database(db, {
            "base_url": f"http://127.0.0.1:{port}", "admin_password": ADMIN_PASSWORD,
            "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
            "dealer_number": DEALER_NUMBER, "webhook_url": WEBHOOK_URL,
            "burst_salespeople": BURST_SALESPEOPLE, "burst_weights": BURST_WEIGHTS,
            "web_salesperson": WEB_SALESPERSON,
            "manager_login": MANAGER[0], "manager_password": MANAGER[1],
            "api_keys": api_keys,
        }, workdir / "setup.log")
        crons = rel_odoo.psql(db, """
            SELECT d.name, d.res_id FROM ir_model_data d
             WHERE d.model = 'ir.cron' AND d.module IN ('sms', 'mail')
               AND d.name IN ('ir_cron_sms_scheduler_action', 'ir_cron_mail_scheduler_action')
        """)
        by_name = {row["name"]: row["res_id"] for row in crons}
        ids["sms_cron_id"] = by_name["ir_cron_sms_scheduler_action"]
        ids["mail_cron_id"] = by_name["ir_cron_mail_scheduler_action"]
        server = rel_odoo.OdooServer(
            db=db, port=port, log_path=workdir / "odoo.log", proxy_url=twilio.proxy_url,
            ca_bundle=str(workdir / "ca.pem"), smtp_port=smtp.port)
        server.start()
        try:
            yield Dealer(db=db, server=server, twilio=twilio, smtp=smtp, ids=ids,
                         api_keys=api_keys)
        finally:
            server.stop()
            if os.environ.get("REL_KEEP"):
                print(f"\nreliability: kept database {db} and {workdir}")
    finally:
        if not os.environ.get("REL_KEEP"):
            rel_odoo.drop_database(db)
