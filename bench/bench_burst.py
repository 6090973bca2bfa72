"""Intake -> acknowledgement at the provider, on a real prefork Odoo (2 workers, 2 crons).

Uses the reliability suite's harness (``tests/reliability``): the same database set-up, Twilio
stand-in (HTTPS proxy serving the Messages API, so ``sms_twilio``'s own client runs) and SMTP
sink. Prints:

- the 100-lead burst (10 parallel clients, JSON and ADF mixed): latency from sending the
  inquiry to its acknowledgement text reaching the provider, p50 / p95 / max;
- lone leads (one at a time): p50 of the same latency;
- the intake's HTTP answer time while the provider times out (holds every request > 5 s);
- the same burst and lone figures on stock Odoo (crm + sms_twilio + base_automation: an
  automation rule on lead creation sending an SMS template and an e-mail), leads created over
  JSON-RPC: the #10 cost target is end-to-end <= 1.5x stock.

Run with the tests' virtualenv: ``.venv/bin/python bench/bench_burst.py`` (``bench/run_all.sh``
does). Needs Odoo 19 (ODOO_PATH / ODOO_PYTHON) and PostgreSQL like the tests.
"""

import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "reliability"))

import rel_odoo  # the reliability suite's harness (tests/reliability)
from rel_dealer import ACCOUNT_SID, ADMIN_PASSWORD, AUTH_TOKEN, DEALER_NUMBER, running_dealer
from rel_leads import adf_inquiry, json_inquiry, new_customer, post_intake
from rel_smtp import SmtpSink
from rel_twilio import TwilioStandIn, make_certificates

BURST, CLIENTS, LONE, TIMEOUT_LEADS = 100, 10, 10, 3

STOCK_SETUP = """
import json, os
cfg = json.loads(os.environ["REL_SETUP"])
env["ir.config_parameter"].set_param("web.base.url", cfg["base_url"])
env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
env.ref("base.user_admin").write({"password": cfg["admin_password"]})
company = env.company
company.write({
    "country_id": env.ref("base.ca").id, "email": "ventes@autolaval.example",
    "sms_provider": "twilio", "sms_twilio_account_sid": cfg["account_sid"],
    "sms_twilio_auth_token": cfg["auth_token"],
    "sms_twilio_number_ids": [(5, 0, 0), (0, 0, {
        "country_id": env.ref("base.ca").id, "number": cfg["dealer_number"]})],
})
lead_model = env["ir.model"]._get("crm.lead")
sms_template = env["sms.template"].create({
    "name": "Lead acknowledgement", "model_id": lead_model.id,
    "body": "Hi {{ object.contact_name }}, thanks for your inquiry. We will call you shortly."})
mail_template = env["mail.template"].create({
    "name": "Lead acknowledgement", "model_id": lead_model.id,
    "subject": "Thanks for your inquiry", "email_to": "{{ object.email_from }}",
    "body_html": "<p>Hi <t t-out='object.contact_name'/>, we will call you shortly.</p>"})
automation = env["base.automation"].create({
    "name": "Acknowledge new leads", "model_id": lead_model.id, "trigger": "on_create"})
env["ir.actions.server"].create([
    {"name": "Text", "model_id": lead_model.id, "state": "sms", "base_automation_id":
     automation.id, "sms_template_id": sms_template.id, "sms_method": "sms"},
    {"name": "E-mail", "model_id": lead_model.id, "state": "mail_post", "base_automation_id":
     automation.id, "template_id": mail_template.id, "mail_post_method": "email"},
])
env.cr.commit()
print("REL_SETUP_RESULT {}", flush=True)
"""


def percentile(values, pct):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def wait_first_requests(twilio, sent_at, timeout=180):
    """Latency of the first provider request for each phone of ``sent_at`` {phone: t}."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(twilio.requests_to(phone) for phone in sent_at):
            break
        time.sleep(0.2)
    latencies = [twilio.requests_to(phone)[0].received_at - t
                 for phone, t in sent_at.items() if twilio.requests_to(phone)]
    return latencies, len(sent_at) - len(latencies)


def run_burst(twilio, send):
    """``send(index, phone, email)`` creates one lead; 10 clients; return latencies, missing."""
    customers = [new_customer() for _i in range(BURST)]
    sent_at = {}
    answers = []

    def one(args):
        index, (phone, email, _serial) = args
        sent_at[phone] = time.monotonic()
        send(index, phone, email)
        answers.append(time.monotonic() - sent_at[phone])

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, enumerate(customers)))
    print(line(f"  (all {BURST} answered in {time.monotonic() - started:.1f} s) HTTP answer",
               answers), flush=True)
    return wait_first_requests(twilio, sent_at)


def run_lone(twilio, send):
    latencies = []
    for index in range(LONE):
        phone, email, _serial = new_customer()
        started = time.monotonic()
        send(index, phone, email)
        found, _missing = wait_first_requests(twilio, {phone: started}, timeout=60)
        latencies += found
    return latencies


def dealer_send(odoo):
    def send(index, phone, email):
        payload = (json_inquiry if index % 2 else adf_inquiry)(phone, email)
        answer = post_intake(odoo, "burst", *payload)
        if answer.status >= 500:
            print(f"  intake answered {answer.status}: {answer.body[:120]!r}", flush=True)
    return send


def timeout_answers(odoo):
    """HTTP answer time of the intake while Twilio holds every request."""
    odoo.twilio.set_fault("slow")
    times = []
    try:
        for _i in range(TIMEOUT_LEADS):
            phone, _email, _serial = new_customer()
            started = time.monotonic()
            post_intake(odoo, "web", *json_inquiry(phone))
            times.append(time.monotonic() - started)
    finally:
        odoo.twilio.set_fault(None)
        odoo.twilio.release()
    return times


@contextmanager
def running_stock(workdir, twilio, smtp):
    db = f"dealer_stock_{os.getpid()}"
    port = rel_odoo.odoo_tests.free_port()
    rel_odoo.odoo_tests.clone_db(rel_odoo.odoo_tests.template_db(), db)
    try:
        code, log = rel_odoo.odoo_tests.run_odoo(db, "-i", "base_automation", "--without-demo",
                                                 "all", log_path=workdir / "stock-install.log")
        if code:
            raise RuntimeError(log[-2000:])
        script = workdir / "stock_setup.py"
        script.write_text(STOCK_SETUP)
        rel_odoo.configure_database(db, {
            "base_url": f"http://127.0.0.1:{port}", "admin_password": ADMIN_PASSWORD,
            "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN,
            "dealer_number": DEALER_NUMBER}, workdir / "stock-setup.log", script=script)
        server = rel_odoo.OdooServer(
            db=db, port=port, log_path=workdir / "stock.log", proxy_url=twilio.proxy_url,
            ca_bundle=str(workdir / "ca.pem"), smtp_port=smtp.port)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        rel_odoo.drop_database(db)


def stock_send(server):
    local = threading.local()

    def send(_index, phone, email):
        if not hasattr(local, "rpc"):
            local.rpc = rel_odoo.JsonRpc(server.url, server.db, "admin", ADMIN_PASSWORD)
        local.rpc.call("crm.lead", "create", [{
            "name": f"Inquiry {phone}", "contact_name": "Alex Client", "phone": phone,
            "email_from": email, "type": "lead"}])
    return send


def line(label, values):
    if not values:
        return f"{label:<48} (none)"
    return (f"{label:<48} p50 {percentile(values, 50) * 1000:7.0f} ms   "
            f"p95 {percentile(values, 95) * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms")


def main():
    if not rel_odoo.odoo_available():
        print("bench_burst: SKIPPED (Odoo 19 not found; set ODOO_PATH / ODOO_PYTHON)")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="dealer-bench-burst-"))
    twilio = TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN, make_certificates(workdir))
    smtp = SmtpSink()
    results = {}
    try:
        with running_dealer(workdir, twilio, smtp) as odoo:
            results["addon_burst"] = run_burst(twilio, dealer_send(odoo))
            results["addon_lone"] = run_lone(twilio, dealer_send(odoo))
            results["addon_timeout_answer"] = timeout_answers(odoo)
        try:
            with running_stock(workdir, twilio, smtp) as stock:
                results["stock_burst"] = run_burst(twilio, stock_send(stock))
                results["stock_lone"] = run_lone(twilio, stock_send(stock))
        except Exception as error:  # noqa: BLE001  the addon's figures still count
            results["stock_error"] = str(error)[-500:]
    finally:
        twilio.close()
        smtp.close()
        shutil.rmtree(workdir, ignore_errors=True)

    burst, missing = results["addon_burst"]
    print(f"Burst of {BURST} leads, {CLIENTS} clients, Odoo --workers=2 (+2 cron workers)")
    print(line("addon: inquiry -> ack text at provider", burst)
          + (f"   ({missing} never reached it)" if missing else ""))
    print(line("addon: lone lead -> ack text at provider", results["addon_lone"]))
    print(line("addon: HTTP answer, provider timing out", results["addon_timeout_answer"]))
    if "stock_error" in results:
        print(f"stock: not measured ({results['stock_error']})")
    else:
        stock_burst, stock_missing = results["stock_burst"]
        print(line("stock automation: lead -> SMS at provider", stock_burst)
              + (f"   ({stock_missing} never reached it)" if stock_missing else ""))
        print(line("stock automation: lone lead -> SMS at provider", results["stock_lone"]))
        for name, ours, theirs in (("burst p50", burst, stock_burst),
                                   ("burst p95", burst, stock_burst),
                                   ("lone p50", results["addon_lone"], results["stock_lone"])):
            pct = 95 if "p95" in name else 50
            if ours and theirs:
                ratio = percentile(ours, pct) / percentile(theirs, pct)
                print(f"ratio addon/stock {name:<30} {ratio:5.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
