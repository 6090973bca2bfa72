# ruff: noqa: F821 - runs inside `odoo-bin shell`, which provides `env`
# bench-modules: base_automation
"""Lead intake benchmark: N ADF e-mails through ``message_process``, then the queues.

Run with ``bench/odoo_bench.sh bench/bench_intake.py`` (throw-away database with the addon and
``base_automation``, see the ``bench-modules`` line). Env: BENCH_N (default 200),
BENCH_LATENCY_N (default 20); BENCH_PROFILE=1 profiles the addon's ``message_process``
transactions with cProfile, BENCH_PROFILE=drain its acknowledgement cron and queues
(BENCH_PROFILE_OUT=file dumps the stats, BENCH_PROFILE_CALLEES="name|name" picks whose callees
are printed).

Three paths, same database, same run, taking turns (BENCH_CHUNK leads each, default 20), each
e-mail committed on its own as the mail gateway does:

- stock: Odoo's own ``crm.lead`` alias (the addon bypassed with ``dealer_intake_skip``): the
  ADF e-mail becomes a plain lead, nothing parsed, routed or acknowledged;
- stock + automation: the same with the automation rule a dealer would make without the addon
  (``base_automation``, on lead creation: an SMS template and an e-mail template). The lead
  gets the customer's phone and name through ``custom_values`` (the gateway's fallback route:
  stock cannot read them from the ADF) and the customer's e-mail as the sender's: the best
  case of stock, which then texts and mails in the transaction (queued);
- the addon: keep raw -> parse ADF -> locks and dedupe -> create -> route -> SLA clock ->
  consent -> sequence -> acknowledgement queued (rendered later by the acknowledgement cron).

Printed: the in-transaction cost (``message_process``, then what runs before ``COMMIT``: the
flush and the pre-commit hooks such as tracking and bus messages, which the addon's savepoint
runs earlier and stock at commit; what the gateway or the HTTP request waits for, #10 target
<= 1.3x stock), and the end-to-end cost, the transactions plus
draining the queues (acknowledgement cron, SMS queue to a loopback SMS provider, mail queue to
a loopback SMTP sink; #10 target <= 1.5x stock + automation). Then the time from the start of
``message_process`` to the acknowledgement reaching the SMS provider when the crons run right
after the commit (in-process, no cron worker latency; ``bench_burst.py`` measures that).
"""

import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

# run from the repository (bench/odoo_bench.sh): the reliability suite's SMTP sink
sys.path.insert(0, str(Path.cwd() / "tests" / "reliability"))
from rel_smtp import SmtpSink

N = int(os.environ.get("BENCH_N", "200"))
LATENCY_N = int(os.environ.get("BENCH_LATENCY_N", "20"))
CHUNK = int(os.environ.get("BENCH_CHUNK", "20"))
ACK_CRON = "dealer_lead_addon.ir_cron_dealer_pending_acks"
STOCK_TO = "inquiries@stock.bench.example"
PROVIDER = "BenchProvider <leads@benchprovider.example>"
QUEUE_CRONS = ("sms.ir_cron_sms_scheduler_action", "mail.ir_cron_mail_scheduler_action")

ADF = """<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf><prospect status="new">
<id sequence="1" source="BenchProvider">{tag}-{i}</id>
<requestdate>{now}</requestdate>
<vehicle interest="buy" status="used"><year>2023</year><make>Toyota</make><model>RAV4</model>
<trim>XLE</trim><price type="asking" currency="CAD">36995</price></vehicle>
<vehicle interest="trade-in" status="used"><year>2015</year><make>Honda</make><model>Civic</model>
</vehicle>
<customer><contact><name part="first">Client</name><name part="last">{tag}{i}</name>
<email>client.{tag}{i}@bench.example</email>
<phone type="cellphone">+1 514 {ex:03d} {line:04d}</phone><phone type="work">450 555 0100</phone>
<address><street line="1">1 rue Test</street><city>Laval</city><regioncode>QC</regioncode>
<postalcode>H7T 2K9</postalcode><country>CA</country></address></contact>
<comments>Est-ce que le véhicule est disponible pour un essai & une évaluation?</comments>
</customer><provider><name>BenchProvider</name></provider></prospect></adf>"""

EMAIL = """From: {sender}
To: {to}
Subject: New lead {tag}-{i}
Message-Id: <{tag}-{i}-{stamp}@bench.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

{adf}
"""


def phone_for(tag, i):
    """A distinct, valid Montreal mobile number per path and inquiry."""
    base = {"S": 300, "P": 400}.get(tag[-1], 200)
    return f"+1514{base + (i // 10000) % 100:03d}{i % 10000:04d}"


def adf_for(tag, i):
    # the request date is now: the customer waits, the acknowledgement is live
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    phone = phone_for(tag, i)
    return ADF.format(tag=tag, i=i, ex=int(phone[5:8]), line=int(phone[8:]), now=now)


# ------------------------------------------------------------
# Loopback providers
# ------------------------------------------------------------

class SmsProvider(BaseHTTPRequestHandler):
    received: ClassVar[dict] = {}  # number -> perf_counter of arrival

    def do_POST(self):
        arrived = time.perf_counter()
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        results = []
        for message in payload["params"]["messages"]:
            for number in message["numbers"]:
                SmsProvider.received.setdefault(number["number"], arrived)
                results.append({"uuid": number["uuid"], "state": "success", "credit": 1})
        body = json.dumps({"jsonrpc": "2.0", "id": payload["id"], "result": results}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_servers():
    """The loopback SMS provider, and the reliability suite's SMTP sink."""
    http = ThreadingHTTPServer(("127.0.0.1", 0), SmsProvider)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    return http, SmtpSink()


# ------------------------------------------------------------
# Setup
# ------------------------------------------------------------

def setup(env, sms_port, smtp_port):
    env["ir.config_parameter"].set_param("sms.endpoint", f"http://127.0.0.1:{sms_port}")
    env["ir.mail_server"].create({
        "name": "bench sink", "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
        "smtp_encryption": "none"})
    company = env.company
    # no quiet hours: the stock path's texts (not urgent) leave at any hour, like the acks
    company.write({"country_id": env.ref("base.ca").id, "email": "ventes@bench.example",
                   "dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0})
    calendar = env["resource.calendar"].create({
        "name": "Always open", "tz": "UTC", "attendance_ids": [(5, 0, 0)] + [
            (0, 0, {"name": str(d), "dayofweek": str(d), "hour_from": 0, "hour_to": 23.99,
                    "day_period": "morning"}) for d in range(7)]})
    users = env["res.users"]
    for k in range(3):
        user = env["res.users"].create({
            "name": f"Bench Sales {k}", "login": f"bench.sales.{k}",
            "email": f"bench.sales.{k}@bench.example", "dealer_alert_mobile": f"+1438555010{k}",
            "group_ids": [(4, env.ref("dealer_lead_addon.group_dealer_lead_salesperson").id)]})
        env["resource.resource"].create({
            "name": user.name, "user_id": user.id, "calendar_id": calendar.id, "tz": "UTC"})
        users |= user
    domain = env["mail.alias.domain"].search([], limit=1) or env["mail.alias.domain"].create(
        {"name": "bench.example"})
    company.alias_domain_id = domain
    team = env["crm.team"].create({
        "name": "Bench", "alias_name": "bench-leads", "dealer_resource_calendar_id": calendar.id,
        "member_ids": [(6, 0, users.ids)]})
    # a provider sends far more than Odoo's loop guard allows (20 mails / 2 h): the source
    # registers its full sender address as allowed
    env["dealer.lead.source"].create({
        "name": "BenchProvider", "code": "bench", "email_match": "leads@benchprovider.example",
        "team_id": team.id})
    automation = setup_stock_automation(env)
    env.cr.commit()
    return f"bench-leads@{domain.name}", automation


def setup_stock_automation(env):
    """What a dealer sets up without the addon: on lead creation, a text and an e-mail.
    Archived until the stock path runs (its patches would slow the addon path down)."""
    lead_model = env["ir.model"]._get("crm.lead")
    sms_template = env["sms.template"].create({
        "name": "Lead acknowledgement", "model_id": lead_model.id,
        "body": "Hi {{ object.contact_name }}, thanks for your inquiry. We will call you "
                "shortly."})
    mail_template = env["mail.template"].create({
        "name": "Lead acknowledgement", "model_id": lead_model.id,
        "subject": "Thanks for your inquiry", "email_to": "{{ object.email_from }}",
        "body_html": "<p>Hi <t t-out='object.contact_name'/>, we will call you shortly.</p>"})
    automation = env["base.automation"].create({
        "name": "Acknowledge new leads", "model_id": lead_model.id, "trigger": "on_create",
        "active": False})
    env["ir.actions.server"].create([
        {"name": "Text", "model_id": lead_model.id, "state": "sms", "base_automation_id":
         automation.id, "sms_template_id": sms_template.id, "sms_method": "sms"},
        {"name": "E-mail", "model_id": lead_model.id, "state": "mail_post",
         "base_automation_id": automation.id, "template_id": mail_template.id,
         "mail_post_method": "email"},
    ])
    return automation


def sender_for(tag, i, automation):
    """The provider sends the ADF e-mails; on the stock + automation path the customer writes
    from their own address (the gateway would put the sender's address on the lead over any
    ``custom_values``): stock's best case, its acknowledgement e-mail reaches the customer."""
    return f"Client {tag}{i} <{email_for(tag, i)}>" if automation else PROVIDER


def email_for(tag, i):
    return f"client.{tag.lower()}{i}@bench.example"


def stock_values(tag, i):
    """The customer's phone and name on the stock lead (stock does not read the ADF)."""
    return {"phone": phone_for(tag, i), "contact_name": f"Client {tag}{i}"}


def grant_stock_consents(env, tag, start, count):
    """Without them the addon's guard would cancel the stock path's text and e-mail: the
    baseline must really send both."""
    env["dealer.consent"].sudo().create([{
        contact: value, "purpose": purpose, "kind": "express", "source": "bench"}
        for i in range(start, start + count)
        for contact, value in (("phone", phone_for(tag, i)),
                               ("email", email_for(tag, i)))
        for purpose in ("sales", "marketing")])
    env.cr.commit()


def feed(env, to, tag, count, stock, start=0):
    """``count`` e-mails through ``message_process``; (in-transaction s, commit s).

    ``stock``: False (the addon), "plain" (the stock alias) or "automation" (no alias route,
    whose defaults would win over custom_values: the gateway's fallback to crm.lead, with the
    customer's contact)."""
    thread = env["mail.thread"].sudo().with_context(dealer_intake_skip=bool(stock))
    stamp = time.time()
    in_transaction = after_commit = 0.0
    for i in range(start, start + count):
        automation = stock == "automation"
        raw = EMAIL.format(to=STOCK_TO if automation else to, tag=tag, i=i, stamp=stamp,
                           adf=adf_for(tag, i), sender=sender_for(tag, i, automation))
        custom = stock_values(tag, i) if automation else None
        started = time.perf_counter()
        thread.message_process("crm.lead", raw, custom_values=custom)
        env.cr.flush()  # the flush and the pre-commit hooks: the transaction's own work
        flushed = time.perf_counter()
        env.cr.commit()  # the gateway commits each message; post-commit hooks run here
        in_transaction += flushed - started
        after_commit += time.perf_counter() - flushed
    return in_transaction, after_commit


def drain(env, stock):
    """Run the acknowledgement cron (addon) and the SMS and mail queues as the cron worker
    would, until they are empty; the seconds it took."""
    started = time.perf_counter()
    for xmlid in (QUEUE_CRONS if stock else (ACK_CRON, *QUEUE_CRONS)):
        env.ref(xmlid).method_direct_trigger()
    env.cr.commit()
    return time.perf_counter() - started


def run_path(env, to, tag, count, stock, start=0):
    """(in-transaction s, commit s, queues s) of ``count`` leads of one path."""
    in_tx, after = feed(env, to, tag, count, stock, start=start)
    return in_tx, after, drain(env, stock)


def latencies(env, to, count):
    """message_process start -> acknowledgement at the provider, crons run inline."""
    thread = env["mail.thread"].sudo()
    stamp = time.time()
    result = []
    for i in range(50000, 50000 + count):
        raw = EMAIL.format(to=to, tag="L", i=i, stamp=stamp, adf=adf_for("L", i),
                           sender=PROVIDER)
        started = time.perf_counter()
        thread.message_process("crm.lead", raw)
        env.cr.commit()
        drain(env, stock=False)
        arrived = SmsProvider.received.get(phone_for("L", i))
        result.append((arrived - started) * 1000 if arrived else None)
    return result


PROFILE = []


def profiled(function, *args, **kwargs):
    """Run ``function`` under the one profile of the run (printed at the end)."""
    import cProfile
    if not PROFILE:
        PROFILE.append(cProfile.Profile())
    PROFILE[0].enable()
    try:
        return function(*args, **kwargs)
    finally:
        PROFILE[0].disable()


def print_profile():
    import pstats
    if os.environ.get("BENCH_PROFILE_OUT"):
        PROFILE[0].dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats = pstats.Stats(PROFILE[0]).sort_stats("cumulative")
    stats.print_stats(60)
    stats.print_callees(os.environ.get("BENCH_PROFILE_CALLEES") or (
        "_dealer_run|_dealer_create_or_attach|_dealer_after_intake|_dealer_choose_route"))


def set_automation(env, automation, active):
    if automation.active != active:
        automation.active = active
        env.cr.commit()


def reached(tag, start, count):
    return sum(1 for i in range(start, start + count) if phone_for(tag, i) in SmsProvider.received)


def mailed(smtp, tag, start, count):
    return sum(1 for i in range(start, start + count) if smtp.messages_to(email_for(tag, i)))


def main(env):
    http, smtp = start_servers()
    to, automation = setup(env, http.server_address[1], smtp.port)
    grant_stock_consents(env, "S", 0, N)
    grant_stock_consents(env, "WS", 100000, 5)
    # warm up each path (caches, templates, first connections)
    paths = {"P": "plain", "S": "automation", "A": False}
    totals = {tag: [0.0, 0.0, 0.0] for tag in paths}
    for tag, stock in paths.items():
        set_automation(env, automation, stock == "automation")
        run_path(env, to, "W" + tag, 5, stock, start=100000)
    # the paths take turns, CHUNK leads each: a machine shared with other work slows them
    # down alike
    profile = os.environ.get("BENCH_PROFILE")
    for start in range(0, N, CHUNK):
        count = min(CHUNK, N - start)
        for tag, stock in paths.items():
            set_automation(env, automation, stock == "automation")
            if profile == "drain" and not stock:
                in_tx, after = feed(env, to, tag, count, stock, start=start)
                figures = (in_tx, after, profiled(drain, env, stock))
            elif profile and not stock:
                in_tx, after = profiled(feed, env, to, tag, count, stock, start=start)
                figures = (in_tx, after, drain(env, stock))
            else:
                figures = run_path(env, to, tag, count, stock, start=start)
            totals[tag] = [a + b for a, b in zip(totals[tag], figures, strict=True)]
    plain, stock, addon = totals["P"], totals["S"], totals["A"]
    leads = env["crm.lead"].search_count([("dealer_provider_lead_id", "=like", "A-%")])
    stock_leads = env["crm.lead"].search_count([("name", "=like", "New lead S-%")])
    plain_leads = env["crm.lead"].search_count([("name", "=like", "New lead P-%")])
    Sms = env["sms.sms"].sudo().with_context(active_test=False)
    acks = Sms.search_count([("dealer_purpose", "=", "ack")])
    ack_states = dict(env["crm.lead"]._read_group(
        [("dealer_provider_lead_id", "=like", "A-%")], ["dealer_ack_state"], ["__count"]))
    states = dict(env["dealer.lead.intake"]._read_group([], ["state"], ["__count"]))
    mails = env["mail.mail"].sudo().search_count([("state", "=", "outgoing")])
    stock_texts = dict(Sms._read_group([("number", "=like", "+1514300%")], ["state"],
                                       ["__count"]))
    if PROFILE:
        print_profile()
    lat = [x for x in latencies(env, to, LATENCY_N) if x is not None]
    print(f"\nLead intake benchmark: {N} ADF e-mails through message_process, "
          f"one commit each, same database, same run")
    print(f"{'path':<46}{'in tx':>8}{'commit':>8}{'queues':>8}{'total':>8}  (ms/lead)")
    for label, (in_tx, after, queues) in (
            ("stock crm.lead alias (no parse/route/ack)", plain),
            ("stock + automation rule (SMS + e-mail)", stock),
            ("dealer_lead_addon (parse..ack cron+queues)", addon)):
        print(f"{label:<46}{in_tx / N * 1000:>8.1f}{after / N * 1000:>8.1f}"
              f"{queues / N * 1000:>8.1f}{sum((in_tx, after, queues)) / N * 1000:>8.1f}")
    print(f"ratio addon/stock alias in transaction (message_process + flush): "
          f"{addon[0] / plain[0]:.2f}x (target <= 1.3x)")
    print(f"ratio addon/stock + automation end to end (transactions + ack cron + queues): "
          f"{sum(addon) / sum(stock):.2f}x (target <= 1.5x); in transaction "
          f"{addon[0] / stock[0]:.2f}x")
    print(f"stock alias leads: {plain_leads}/{N}; "
          f"stock + automation leads: {stock_leads}/{N}, "
          f"texted at the provider: {reached('S', 0, N)}/{N}, "
          f"e-mailed at the SMTP sink: {mailed(smtp, 'S', 0, N)}/{N}; "
          f"addon leads with ADF data: {leads}/{N}, texted: {reached('A', 0, N)}/{N}, "
          f"e-mailed: {mailed(smtp, 'A', 0, N)}/{N}, "
          f"ack states: {ack_states}; intake states: {states}; ack sms.sms: {acks}; "
          f"e-mails left in the queue: {mails}; stock sms.sms states: {stock_texts}")
    if lat:
        lat.sort()
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        print(f"intake -> acknowledgement at the SMS provider, crons inline (n={len(lat)}): "
              f"p50 {statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, max {lat[-1]:.0f} ms")
    else:
        print("intake -> acknowledgement: NO acknowledgement reached the provider")
    http.shutdown()
    smtp.close()


main(env)
