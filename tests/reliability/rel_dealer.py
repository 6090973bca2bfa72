"""The dealership the reliability suite and ``bench/bench_burst.py`` run against: a real
prefork Odoo 19 configured by ``odoo_setup.py``, with the Twilio stand-in and the SMTP sink."""

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass

import rel_odoo
from rel_smtp import SmtpSink
from rel_twilio import TwilioStandIn

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
        self._run_cron(self.ids["sms_cron_id"])

    def run_mail_queue(self):
        self._run_cron(self.ids["mail_cron_id"])

    def _run_cron(self, cron_id):
        """Run a cron now; if the cron worker is running it at this moment, that run is as
        good (the caller polls for its effect)."""
        try:
            self.admin().call("ir.cron", "method_direct_trigger", [cron_id])
        except rel_odoo.RpcError as error:
            if "already executing" not in str(error):
                raise

    def wait_delivered(self, phone, timeout=90):
        """Poll until the provider accepted a text to ``phone``, running the SMS queue as its
        cron would, then once more (nothing may be left to send twice); return the requests
        to ``phone``."""
        def delivered():
            if not self.twilio.accepted_to(phone):
                self.run_sms_queue()
            return self.twilio.accepted_to(phone)

        self.poll(delivered, timeout=timeout, interval=3)
        self.run_sms_queue()
        return self.twilio.requests_to(phone)

    @staticmethod
    def poll(predicate, timeout, interval=0.5):
        """Poll ``predicate()`` until truthy or ``timeout`` s; return its last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value or time.monotonic() > deadline:
                return value
            time.sleep(interval)



@contextmanager
def running_dealer(workdir, twilio: TwilioStandIn, smtp: SmtpSink, keep=False):
    """Create, configure and start the dealership; stop it and drop its database after."""
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
            if keep:
                print(f"\nreliability: kept database {db} and {workdir}")
    finally:
        if not keep:
            rel_odoo.drop_database(db)
