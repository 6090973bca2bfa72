# ruff: noqa: F821 - runs inside `odoo-bin shell`, which provides `env`
"""Follow-up sequence cron benchmark: 1,000 due steps among 10,000, then among 100,000 enrolled
leads.

Run with ``bench/odoo_bench.sh bench/bench_sequence_cron.py`` (throw-away database, addon
installed). Env: BENCH_DUE (default 1000), BENCH_ENROLLED (default "10000,100000").

Enrolled leads (phone, language, implied consent from their inquiry), their enrollments and
their three step runs (text, e-mail, call) are inserted with plain SQL. BENCH_DUE first steps
are due now, the rest are planned for later. A "cron run" is what the cron runner does: call
``_cron_send_due_steps`` (one locked batch: consent check, template rendered in the customer's
language, ``sms.sms`` + chatter message, next step planned; commit) until nothing is due; the
texts go to the provider right after each commit through the addon's guarded send path. The
provider is a stand-in that answers "sent" at once (``SmsApi._send_sms_batch`` patched: no
network), so what is measured is Odoo's and the addon's own work. Quiet hours are opened to
the whole day so the figure does not depend on the hour the bench runs at.

Printed next to it, in the same database:
- the due-step lookup alone (partial index on ``planned_at WHERE state = 'planned'``);
- stock Odoo texting the same number of leads with ``_message_sms`` and sending its queue
  through the same stand-in provider: what a hand-written follow-up without sequences,
  consent, quiet hours or exactly-once bookkeeping would cost.
"""

import os
import time
from unittest.mock import patch

from odoo import fields

from odoo.addons.sms.tools.sms_api import SmsApi

DUE = int(os.environ.get("BENCH_DUE", "1000"))
ENROLLED = [int(n) for n in os.environ.get("BENCH_ENROLLED", "10000,100000").split(",")]

Log = env["dealer.sequence.log"]
cr = env.cr


def fake_provider(self, messages, delivery_reports_url=False):
    return [{"uuid": number["uuid"], "state": "success", "credit": 1}
            for message in messages for number in message["numbers"]]


def setup():
    company = env.company
    company.write({"dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0})
    team = env["crm.team"].create({"name": "Bench sequence team", "company_id": company.id})
    seller = env["res.users"].create({
        "name": "Bench seller", "login": "bench_seq_seller", "notification_type": "inbox",
        "group_ids": [(4, env.ref("dealer_lead_addon.group_dealer_lead_salesperson").id)],
    })
    lead_model = env["ir.model"]._get_id("crm.lead")
    sms_fr, sms_en = env["sms.template"].create([
        {"name": "Bench FR", "model_id": lead_model,
         "body": "Bonjour {{ object.contact_name }}, toujours intéressé(e)? ARRET pour arrêter"},
        {"name": "Bench EN", "model_id": lead_model,
         "body": "Hi {{ object.contact_name }}, still interested? Reply STOP to opt out"},
    ])
    mail_fr, mail_en = env["mail.template"].create([
        {"name": f"Bench mail {lang}", "model_id": lead_model, "subject": "Suivi",
         "email_to": "{{ object.email_from }}", "body_html": "<p>Suivi</p>"}
        for lang in ("fr", "en")])
    sequence = env["dealer.sequence"].create({
        "name": "Bench follow-up", "team_ids": [(6, 0, team.ids)],
        "step_ids": [
            (0, 0, {"sequence": 1, "name": "Text", "channel": "sms", "delay": 1,
                    "delay_unit": "days", "delay_basis": "wall",
                    "sms_template_fr_id": sms_fr.id, "sms_template_en_id": sms_en.id}),
            (0, 0, {"sequence": 2, "name": "E-mail", "channel": "email", "delay": 2,
                    "delay_unit": "days", "delay_basis": "wall",
                    "mail_template_fr_id": mail_fr.id, "mail_template_en_id": mail_en.id}),
            (0, 0, {"sequence": 3, "name": "Call", "channel": "call", "delay": 3,
                    "delay_unit": "days", "delay_basis": "wall"}),
        ],
    })
    env.cr.commit()
    return team, seller, sequence


def insert_enrolled(first, count, team, seller, sequence, now):
    """``count`` more leads, enrolled, their first step planned tomorrow."""
    steps = sequence.step_ids.sorted("sequence").ids
    fr = env["res.lang"]._activate_lang("fr_CA").id
    en = env.ref("base.lang_en").id
    cr.execute("""
        WITH leads AS (
            INSERT INTO crm_lead (name, type, active, team_id, user_id, company_id, won_status,
                                  contact_name, phone, phone_sanitized, lang_id,
                                  create_date, write_date, create_uid, write_uid)
            SELECT 'Bench lead ' || g, 'opportunity', TRUE, %(team)s, %(seller)s,
                   %(company)s, 'pending', 'Client ' || g,
                   '+1514' || lpad(g::text, 7, '0'), '+1514' || lpad(g::text, 7, '0'),
                   CASE WHEN g %% 3 = 0 THEN %(en)s ELSE %(fr)s END,
                   %(now)s, %(now)s, 1, 1
              FROM generate_series(%(first)s, %(last)s) g
         RETURNING id, phone_sanitized
        ), consents AS (
            INSERT INTO dealer_consent (phone, purpose, kind, granted_at, expires_at, source,
                                        lead_id, company_id, create_date, write_date,
                                        create_uid, write_uid)
            SELECT phone_sanitized, 'sales', 'implied_inquiry', %(now)s,
                   %(now)s + INTERVAL '6 months', 'bench inquiry', id, %(company)s,
                   %(now)s, %(now)s, 1, 1
              FROM leads
        ), enrollments AS (
            INSERT INTO dealer_sequence_enrollment (lead_id, sequence_id, company_id, state,
                                                    started_at, create_date, write_date,
                                                    create_uid, write_uid)
            SELECT id, %(sequence)s, %(company)s, 'running', %(now)s, %(now)s, %(now)s, 1, 1
              FROM leads
         RETURNING id, lead_id
        )
        INSERT INTO dealer_sequence_log (enrollment_id, lead_id, step_id, state, planned_at,
                                         create_date, write_date, create_uid, write_uid)
        SELECT e.id, e.lead_id, s.step_id,
               CASE WHEN s.n = 1 THEN 'planned' ELSE 'waiting' END,
               %(now)s + s.n * INTERVAL '1 day', %(now)s, %(now)s, 1, 1
          FROM enrollments e
         CROSS JOIN (SELECT * FROM unnest(%(steps)s::int[]) WITH ORDINALITY AS t(step_id, n)) s
    """, {"team": team.id, "seller": seller.id, "company": env.company.id, "en": en,
          "fr": fr, "now": now, "first": first, "last": first + count - 1,
          "sequence": sequence.id, "steps": steps})
    cr.execute("ANALYZE crm_lead; ANALYZE dealer_sequence_log; ANALYZE dealer_consent; "
               "ANALYZE dealer_sequence_enrollment")
    cr.commit()


def make_due(count, now):
    """Bring ``count`` planned first steps due now."""
    cr.execute("""
        WITH due AS (
            SELECT id FROM dealer_sequence_log
             WHERE state = 'planned' AND planned_at > %(now)s ORDER BY id LIMIT %(count)s
        )
        UPDATE dealer_sequence_log l SET planned_at = %(now)s - INTERVAL '1 minute'
          FROM due WHERE l.id = due.id
        RETURNING l.lead_id
    """, {"now": now, "count": count})
    lead_ids = [row[0] for row in cr.fetchall()]
    cr.commit()
    env.invalidate_all()
    return lead_ids


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def due_lookup(now):
    return Log.search(Log._dealer_due_domain(now), order="planned_at, id", limit=200)


def cron_run():
    """What the cron runner does: one batch per call, commit (texts leave right after), again
    while some remain."""
    processed_total, queries = 0, cr.sql_log_count
    while True:
        processed, remaining = Log._dealer_send_due_batch(now=fields.Datetime.now())
        env["ir.cron"]._commit_progress(processed, remaining=remaining)
        processed_total += processed
        if not remaining:
            return processed_total, cr.sql_log_count - queries


def stock_texting(lead_ids):
    """Stock Odoo: text each lead with ``_message_sms``, then send the queue."""
    leads = env["crm.lead"].browse(lead_ids)
    for lead in leads:
        lead._message_sms(f"Hi {lead.contact_name}, still interested? Reply STOP to opt out",
                          put_in_queue=True)
    env.cr.commit()
    env["sms.sms"].search([("state", "=", "outgoing")]).send()
    env.cr.commit()
    return len(leads)


def count_sent(since_id):
    return env["sms.sms"].search_count([("id", ">", since_id), ("dealer_purpose", "=", "sales")])


def main():
    team, seller, sequence = setup()
    now = fields.Datetime.now()
    rows, enrolled = [], 0
    for target in ENROLLED:
        insert_enrolled(enrolled + 1, target - enrolled, team, seller, sequence, now)
        enrolled = target
        due_leads = make_due(DUE, fields.Datetime.now())
        lookup_s, _found = timed(due_lookup, fields.Datetime.now())
        last_sms = env["sms.sms"].search([], order="id desc", limit=1).id or 0
        run_s, (done, queries) = timed(cron_run)
        sent = env["dealer.sequence.log"].search_count([("state", "=", "sent")])
        texts = count_sent(last_sms)
        stock_s, stock_done = timed(stock_texting, due_leads)
        rows.append((target, done, run_s, queries, lookup_s, sent, texts, stock_s, stock_done))
    print()
    print(f"Sequence cron: one run with {DUE} due text steps (consent, render, sms.sms + "
          "chatter, next step planned, provider stand-in after each commit)")
    print(f"{'enrolled':>9} {'steps':>6} {'cron run s':>11} {'ms/step':>8} {'queries/step':>13} "
          f"{'due lookup ms':>14} {'stock s':>8} {'stock ms/lead':>14} {'overhead':>9}")
    for target, done, run_s, queries, lookup_s, _sent, _texts, stock_s, stock_done in rows:
        print(f"{target:>9,} {done:>6,} {run_s:>11.2f} {1000 * run_s / max(done, 1):>8.2f} "
              f"{queries / max(done, 1):>13.1f} {1000 * lookup_s:>14.1f} {stock_s:>8.2f} "
              f"{1000 * stock_s / max(stock_done, 1):>14.2f} {run_s / max(stock_s, 1e-9):>8.2f}x")
    for target, _done, _run, _q, _l, sent, texts, _s, _sd in rows:
        print(f"after the run among {target:,}: {sent:,} step runs 'sent' in total, "
              f"{texts:,} follow-up texts created by this run (expected {DUE:,})")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"enrolled x{last[0] / first[0]:.0f}: cron run x{last[2] / first[2]:.2f}, "
              f"due lookup x{last[4] / first[4]:.2f}")


with patch.object(SmsApi, "_send_sms_batch", fake_provider):
    main()
