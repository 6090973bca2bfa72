"""A 10,000-recipient tire campaign by text: the addon against stock ``mass_mailing_sms``.

Two databases made like the tests' (clones of the template holding the addon's
dependencies): one with the addon installed, one stock (the dependencies only, so
``mass_mailing_sms`` as Odoo ships it). In each, the same 10,000 customers (phone numbers,
French and English) are inserted with SQL; in the addon's they also hold an express marketing
consent and a vehicle whose last tire service is 8 months old. One SMS campaign then targets
them: the addon's through its "Due for Tires" filter, stock through a plain domain on the
same customers. Printed, for both:

- time to queue: ``mailing.action_send_sms()`` (recipients, render, ``sms.sms`` + traces),
  committed;
- time to send: the SMS queue driver run until the queue is empty, the provider a stand-in
  answering "sent" at once (``SmsApi._send_sms_batch`` patched: no network);
- for the addon, the guard's own cost per text (opt-out, consent, quiet hours, the
  frequency cap with its per-number locks and log), timed inside the same run.

Run with ``.venv/bin/python bench/bench_campaign.py`` (``BENCH_RECIPIENTS``, default 10000).
Needs Odoo 19 and PostgreSQL like the tests; ``bench/run_all.sh`` runs it this way.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "reliability"))

import rel_odoo  # the reliability suite's harness: databases made like the tests'

RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "10000"))

MEASURE = r"""
import os, time
from unittest.mock import patch
from odoo.addons.sms.tools.sms_api import SmsApi

N = int(os.environ["BENCH_RECIPIENTS"])
addon = "dealer.marketing.send" in env
cr = env.cr
company = env.company
company.write({"country_id": env.ref("base.ca").id, "name": "Auto Laval"})
fr = env["res.lang"]._activate_lang("fr_CA").code
if addon:
    company.write({"dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0,
                   "dealer_marketing_cap": 2})
now = cr.now()
cr.execute('''
    INSERT INTO res_partner (name, complete_name, phone, phone_sanitized, lang, ref, active,
                             type, is_company, create_date, write_date, create_uid, write_uid)
    SELECT 'Client ' || g, 'Client ' || g, '+1514' || (2000000 + g)::text,
           '+1514' || (2000000 + g)::text,
           CASE WHEN g %% 3 = 0 THEN 'en_US' ELSE %s END, 'bench', TRUE, 'contact', FALSE,
           %s, %s, 1, 1
      FROM generate_series(1, %s) g
''', [fr, now, now, N])
cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = 'bench'")
if addon:
    cr.execute('''
        INSERT INTO dealer_consent (phone, purpose, kind, granted_at, source, partner_id,
                                    company_id, create_date, write_date, create_uid, write_uid)
        SELECT phone_sanitized, 'marketing', 'express', %(now)s - INTERVAL '1 year', 'bench',
               id, %(company)s, %(now)s, %(now)s, 1, 1
          FROM res_partner WHERE ref = 'bench'
    ''', {"now": now, "company": company.id})
    cr.execute('''
        INSERT INTO dealer_service_vehicle (partner_id, company_id, make, model, year, mileage,
                                            last_tire_service_at, last_tire_service_km,
                                            create_date, write_date, create_uid, write_uid)
        SELECT id, %(company)s, 'Toyota', 'RAV4', 2021, 48000,
               %(now)s - INTERVAL '8 months', 41000, %(now)s, %(now)s, 1, 1
          FROM res_partner WHERE ref = 'bench'
    ''', {"now": now, "company": company.id})
cr.execute("ANALYZE")
cr.commit()
env.invalidate_all()

domain = ([("dealer_tire_due", "=", True), ("dealer_vehicle_ids", "!=", False)] if addon
          else [("ref", "=", "bench")])
mailing = env["mailing.mailing"].create({
    "subject": "Pneus d'hiver", "mailing_type": "sms",
    "body_plaintext": "Auto Laval : la pose des pneus d'hiver, 10 % cette semaine.",
    "mailing_model_id": env["ir.model"]._get_id("res.partner"),
    "mailing_domain": repr(domain)})
cr.commit()

def fake_provider(self, messages, delivery_reports_url=False):
    return [{"uuid": number["uuid"], "state": "success", "credit": 1}
            for message in messages for number in message["numbers"]]

guard_s = [0.0]
Sms = type(env["sms.sms"])
def timed(method):
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            guard_s[0] += time.perf_counter() - start
    return wrapper

patches = [patch.object(SmsApi, "_send_sms_batch", fake_provider)]
if addon:
    patches += [patch.object(Sms, "_dealer_guard", timed(Sms._dealer_guard)),
                patch.object(Sms, "_dealer_within_marketing_cap",
                             timed(Sms._dealer_within_marketing_cap))]
for p in patches:
    p.start()
start = time.perf_counter()
mailing.action_send_sms()
cr.commit()
queue_s = time.perf_counter() - start
queued = env["sms.sms"].search_count([("mailing_id", "=", mailing.id)])
guard_s[0] = 0.0
start = time.perf_counter()
Queue = env["sms.sms"]
for _round in range(1000):
    if not Queue.search_count([("state", "=", "outgoing")]):
        break
    Queue._process_queue()
    cr.commit()
    env.invalidate_all()
send_s = time.perf_counter() - start
env.invalidate_all()
sent = env["mailing.trace"].search_count([("mass_mailing_id", "=", mailing.id),
                                          ("trace_status", "in", ("sent", "pending"))])
logged = env["dealer.marketing.send"].search_count([]) if addon else 0
bodies = env["mailing.trace"].search([("mass_mailing_id", "=", mailing.id)], limit=1)
print(f"BENCH_RESULT {int(addon)} {queued} {sent} {queue_s:.3f} {send_s:.3f} "
      f"{guard_s[0]:.3f} {logged}", flush=True)
"""


def measure(db, log_path):
    env = {**os.environ, "BENCH_RECIPIENTS": str(RECIPIENTS), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [*rel_odoo.base_args(db, "shell"), "--no-http", "--log-level", "warn"]
    with open(log_path, "w") as log:
        proc = subprocess.run(cmd, input=MEASURE.encode(), stdout=subprocess.PIPE, stderr=log,
                              env=env, check=False, timeout=3600)
    out = proc.stdout.decode(errors="replace")
    for line in out.splitlines():
        if line.startswith("BENCH_RESULT "):
            _addon, queued, sent, queue_s, send_s, guard_s, logged = line.split()[1:]
            return int(queued), int(sent), float(queue_s), float(send_s), float(guard_s), int(
                logged)
    raise RuntimeError(f"{db}: no result (exit {proc.returncode})\n{out[-2000:]}\n"
                       f"{Path(log_path).read_text(errors='replace')[-3000:]}")


def main():
    workdir = Path(tempfile.mkdtemp(prefix="dealer-bench-campaign-"))
    addon_db, stock_db = f"dealer_bench_promo_{os.getpid()}", f"dealer_bench_stock_{os.getpid()}"
    try:
        rel_odoo.create_database(addon_db, workdir / "install.log")
        rel_odoo.odoo_tests.clone_db(rel_odoo.odoo_tests.template_db(), stock_db)
        stock = measure(stock_db, workdir / "stock.log")
        addon = measure(addon_db, workdir / "addon.log")
    finally:
        rel_odoo.drop_database(addon_db)
        rel_odoo.drop_database(stock_db)
    print()
    print(f"Tire campaign by text, {RECIPIENTS:,} recipients (provider stand-in, same run)")
    print(f"{'':>22} {'queued':>7} {'sent':>7} {'queue s':>8} {'ms/text':>8} {'send s':>8} "
          f"{'ms/text':>8} {'guard ms/text':>14}")
    for name, (queued, sent, queue_s, send_s, guard_s, _logged) in (
            ("stock mass_mailing_sms", stock), ("addon", addon)):
        guard = f"{1000 * guard_s / max(queued, 1):>14.2f}" if name == "addon" else f"{'-':>14}"
        print(f"{name:>22} {queued:>7,} {sent:>7,} {queue_s:>8.2f} "
              f"{1000 * queue_s / max(queued, 1):>8.2f} {send_s:>8.2f} "
              f"{1000 * send_s / max(queued, 1):>8.2f} {guard}")
    print(f"addon/stock: queue x{addon[2] / max(stock[2], 1e-9):.2f}, "
          f"send x{addon[3] / max(stock[3], 1e-9):.2f}, "
          f"total x{(addon[2] + addon[3]) / max(stock[2] + stock[3], 1e-9):.2f}; "
          f"marketing sends logged for the cap: {addon[5]:,}")


if __name__ == "__main__":
    main()
