# ruff: noqa: F821 - runs inside `odoo-bin shell`, which provides `env`
"""SLA cron benchmark: one cron run with 1,000 due leads among 10,000, then among 100,000 open
leads.

Run with ``bench/odoo_bench.sh bench/bench_sla_cron.py`` (throw-away database, addon installed).
Env: BENCH_DUE (default 1000), BENCH_OPEN (default "10000,100000").

Open leads and their running response clocks are inserted with plain SQL (fast); BENCH_DUE of
them are due now, the others later. A "cron run" is what the cron runner does: call
``_cron_process_due`` (one locked batch, the escalation step of each clock, commit) until
nothing is due. The salespeople read their alerts in Odoo (inbox), so no SMTP time is counted;
they have no alert mobile, so no SMS either. Printed next to it, from the same database:

- the addon's due-clock lookup alone (partial index on ``next_action_at``);
- the naive baseline a cron without stored deadlines would need: load every running clock and
  pick the due ones in Python (cost follows what is open).
"""

import os
import time
from datetime import timedelta

from odoo import fields

DUE = int(os.environ.get("BENCH_DUE", "1000"))
OPEN = [int(n) for n in os.environ.get("BENCH_OPEN", "10000,100000").split(",")]

Clock = env["dealer.response.clock"]
cr = env.cr


def setup():
    company = env.company
    team = env["crm.team"].create({"name": "Bench SLA team", "company_id": company.id})
    users = env["res.users"]
    for i in range(2):
        users |= env["res.users"].create({
            "name": f"Bench seller {i}", "login": f"bench_sla_{i}", "notification_type": "inbox",
            "group_ids": [(4, env.ref("dealer_lead_addon.group_dealer_lead_salesperson").id)],
        })
    env["crm.team.member"].create([{"crm_team_id": team.id, "user_id": u.id} for u in users])
    team.user_id = users[0]
    policy = env["dealer.sla.policy"].create({
        "name": "Bench 10 min", "team_id": team.id, "hours_mode": "always",
        "first_response_minutes": 10, "prewarn_minutes": 0, "escalation_minutes": 10,
    })
    env.cr.commit()
    return team, users, policy


def insert_open_leads(count, team, users, policy, now):
    """``count`` more open leads, each with a running first-response clock due tomorrow."""
    cr.execute("""
        WITH leads AS (
            INSERT INTO crm_lead (name, type, active, team_id, user_id, company_id, won_status,
                                  contact_name, create_date, write_date, create_uid, write_uid,
                                  dealer_sla_deadline, dealer_sla_state)
            SELECT 'Bench lead ' || g, 'opportunity', TRUE, %(team)s,
                   (ARRAY[%(u0)s, %(u1)s])[1 + g %% 2], %(company)s, 'pending',
                   'Client ' || g, %(now)s, %(now)s, 1, 1,
                   %(later)s + (g %% 1440) * INTERVAL '1 minute', 'on_time'
              FROM generate_series(1, %(count)s) g
         RETURNING id, user_id, dealer_sla_deadline
        )
        INSERT INTO dealer_response_clock (
            lead_id, policy_id, kind, company_id, team_id, user_id, state, started_at,
            deadline, next_step, next_action_at, step_count, reassign_count, business_hours,
            missed, create_date, write_date, create_uid, write_uid)
        SELECT id, %(policy)s, 'first', %(company)s, %(team)s, user_id, 'running', %(now)s,
               dealer_sla_deadline, 'salesperson', dealer_sla_deadline, 0, 0, TRUE, FALSE,
               %(now)s, %(now)s, 1, 1
          FROM leads
    """, {"team": team.id, "u0": users[0].id, "u1": users[1].id, "company": env.company.id,
          "policy": policy.id, "now": now, "later": now + timedelta(days=1), "count": count})
    cr.execute("ANALYZE crm_lead; ANALYZE dealer_response_clock")
    cr.commit()


def make_due(count, now):
    """Bring ``count`` running, never-escalated clocks due now."""
    cr.execute("""
        WITH due AS (
            SELECT id FROM dealer_response_clock
             WHERE state = 'running' AND step_count = 0 AND next_action_at > %(now)s
             ORDER BY id LIMIT %(count)s
        )
        UPDATE dealer_response_clock c
           SET deadline = %(now)s - INTERVAL '1 minute',
               next_action_at = %(now)s - INTERVAL '1 minute'
          FROM due WHERE c.id = due.id
    """, {"now": now, "count": count})
    cr.commit()
    env.invalidate_all()


def timed(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def due_lookup(now):
    return Clock.search([("next_action_at", "<=", now)], order="next_action_at, id", limit=200)


def naive_scan(now):
    running = Clock.search([("state", "=", "running")])
    return running.filtered(lambda c: c.next_action_at and c.next_action_at <= now)


def cron_run():
    """What the cron runner does: one batch per call, commit, again while some remain."""
    steps = 0
    while True:
        now = fields.Datetime.now()
        processed, remaining = Clock._dealer_process_due_batch(now=now)
        env["ir.cron"]._commit_progress(processed, remaining=remaining)
        steps += processed
        if not remaining:
            Clock._dealer_schedule_next_run(now)
            env.cr.commit()
            return steps


def main():
    team, users, policy = setup()
    now = fields.Datetime.now()
    total_open = 0
    rows = []
    for open_count in OPEN:
        insert_open_leads(open_count - total_open, team, users, policy, now)
        total_open = open_count
        make_due(DUE, fields.Datetime.now())
        check_now = fields.Datetime.now()
        lookup_s, _found = timed(due_lookup, check_now)
        env.invalidate_all()
        naive_s, naive = timed(naive_scan, check_now)
        env.invalidate_all()
        run_s, done = timed(cron_run)
        rows.append((open_count, done, run_s, lookup_s, naive_s, len(naive)))
    print()
    print(f"SLA cron: one run with {DUE} due clocks (escalation step: activity + notification)")
    print(f"{'open leads':>11} {'processed':>10} {'cron run s':>11} {'ms/due lead':>12} "
          f"{'due lookup ms':>14} {'naive scan ms':>14}")
    for open_count, done, run_s, lookup_s, naive_s, _naive in rows:
        print(f"{open_count:>11,} {done:>10,} {run_s:>11.2f} {1000 * run_s / max(done, 1):>12.2f} "
              f"{1000 * lookup_s:>14.1f} {1000 * naive_s:>14.1f}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"open x{last[0] / first[0]:.0f}: cron run x{last[2] / first[2]:.2f}, due lookup "
              f"x{last[3] / first[3]:.2f}, naive scan x{last[4] / first[4]:.2f}")


main()
