#!/usr/bin/env python3
"""Screenshots, in French (Canada), of the screens of dealer_lead_addon that show statuses.

The developers' guide asks for screenshots of every changed screen, in French, before a change
is closed. This script builds a throw-away database (a clone of the dependencies template of
scripts/odoo_tests.py), installs the addon with Odoo's French translations (fr_CA),
switches the administrator to fr_CA, writes records that show each status (acknowledgements
delivered, maybe sent and failed; texts waiting for a retry, maybe sent, held; a silent lead
feed), starts Odoo, logs in with Playwright (Debian's Chromium) and saves PNGs.

    /work/main/.venv/bin/python scripts/screenshots.py [--out /tmp/dealer-shots] [--keep-db]

Not run by the tests. Needs Odoo 19 (ODOO_PATH, see odoo_tests.py), PostgreSQL, Playwright in
the calling Python and a Chromium (CHROMIUM, default /usr/bin/chromium).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_tests  # scripts/ is not a package: found through sys.path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LANG = "fr_CA"
VIEWPORT = {"width": 1366, "height": 900}
IDS_MARK = "DEALER_SHOT_IDS="

# Run inside `odoo-bin shell`: records that show every status the changed screens display.
# Statuses are written directly (the screens are under test, not the pipeline that sets them).
DATA_SCRIPT = r'''
import json
from datetime import timedelta
from odoo import fields

lang = env["res.lang"]._activate_lang("fr_CA")
env.ref("base.user_admin").write({"lang": "fr_CA", "tz": "America/Toronto"})
now = fields.Datetime.now().replace(microsecond=0)
ago = lambda minutes: now - timedelta(minutes=minutes)
later = lambda minutes: now + timedelta(minutes=minutes)
ref = lambda xmlid: env.ref(xmlid, raise_if_not_found=False)

Source = env["dealer.lead.source"]
team = ref("dealer_lead_addon.demo_team_sales") or env["crm.team"].search([], limit=1)
feed = ref("dealer_lead_addon.demo_source_autotrader") or Source.create(
    {"name": "AutoTrader.ca", "code": "autotrader", "team_id": team.id})
website = ref("dealer_lead_addon.demo_source_website") or Source.create(
    {"name": "Site web", "code": "site", "team_id": team.id})
# the feed sent an inquiry every ~20 minutes, then nothing for 3 hours: silent, alerted
env["dealer.lead.intake"].create([{
    "channel": "http", "source_id": feed.id, "state": "created",
    "received_at": ago(180 + 20 * i), "payload": "{}",
} for i in range(8)])
feed.write({"watchdog_state": "silent", "watchdog_alerted_at": ago(60)})
feed._dealer_set_api_key("dlr_demo_key_for_screens_only_000000")
env["dealer.lead.intake"].create([{
    "channel": "web", "source_id": website.id, "state": "created",
    "received_at": ago(15 + 45 * i), "payload": "{}",
} for i in range(6)])

Lead = env["crm.lead"].with_context(dealer_intake_skip=True, tracking_disable=True)
def lead(name, contact, phone, vehicle, ack):
    record = Lead.create({
        "name": name, "type": "opportunity", "contact_name": contact, "phone": phone,
        "email_from": contact.lower().replace(" ", ".") + "@courriel.example",
        "team_id": team.id, "user_id": env.ref("base.user_admin").id,
        "dealer_source_id": website.id, "dealer_request_date": ago(30),
        "dealer_vehicle_ids": [(0, 0, vehicle)],
    })
    record.write({"dealer_ack_requested_at": ago(29), **ack})
    return record

delivered = lead("Sophie Tremblay - RAV4 2024", "Sophie Tremblay", "+15145550101",
                 {"condition": "new", "year": 2024, "make": "Toyota", "model": "RAV4"},
                 {"dealer_ack_state": "delivered", "dealer_ack_sms_state": "delivered",
                  "dealer_ack_mail_state": "sent", "dealer_ack_sent_at": ago(28)})
maybe = lead("Luc Bergeron - Civic 2022", "Luc Bergeron", "+15145550102",
             {"condition": "used", "year": 2022, "make": "Honda", "model": "Civic"},
             {"dealer_ack_state": "maybe_sent", "dealer_ack_sms_state": "maybe_sent",
              "dealer_ack_note": "SMS : envoi interrompu, le client l'a peut-être reçu"})
failed = lead("Nadia Côté - F-150 2023", "Nadia Côté", "+15145550103",
              {"condition": "new", "year": 2023, "make": "Ford", "model": "F-150"},
              {"dealer_ack_state": "failed", "dealer_ack_sms_state": "failed",
               "dealer_ack_mail_state": "canceled",
               "dealer_ack_note": "SMS : numéro injoignable (Twilio 30003)"})
night = lead("Jean Roy - Outback 2025", "Jean Roy", "+15145550104",
             {"condition": "new", "year": 2025, "make": "Subaru", "model": "Outback"},
             {"dealer_ack_state": "queued", "dealer_ack_sms_state": "queued",
              "dealer_after_hours": True, "dealer_reply_by": later(600)})

Sms = env["sms.sms"]
def text(partner_name, number, body, purpose, **vals):
    partner = env["res.partner"].create({"name": partner_name, "phone": number})
    sms = Sms.create({"number": number, "body": body, "partner_id": partner.id,
                      "state": "outgoing"})
    sms.write(vals)
    # the purpose is set by server code only (sms.sms.create); written here for the screens
    env.cr.execute("UPDATE sms_sms SET dealer_purpose = %s WHERE id = %s", (purpose, sms.id))
    return sms

retry = text("Luc Bergeron", "+15145550102", "Bonjour Luc, la Civic 2022 est toujours "
             "disponible. Quand pouvez-vous passer l'essayer?", "sales",
             dealer_attempt_count=1, dealer_next_attempt_at=later(4))
uncertain = text("Marie Gagnon", "+15145550105", "Bonjour Marie, merci pour votre demande! "
                 "Un conseiller vous répond d'ici 10 minutes.", "ack",
                 state="error", failure_type="dealer_uncertain", dealer_attempt_count=1,
                 dealer_send_started_at=ago(14), dealer_automated=True)
held = text("Paul Lavoie", "+15145550106", "Bonjour Paul, votre essai routier est confirmé "
            "pour demain à 10 h.", "sales", dealer_not_before=later(540))
error = text("Nadia Côté", "+15145550103", "Bonjour Nadia, merci pour votre demande! Un "
             "conseiller vous répond d'ici 10 minutes.", "ack",
             state="error", failure_type="sms_server", dealer_attempt_count=4,
             dealer_automated=True)
# an ADF e-mail through the mail gateway: the lead shows the inquiry as one readable message
feed.email_match = "leads@autotrader.example"
adf_lead = env["mail.thread"].sudo().message_process("crm.lead", """\
From: AutoTrader.ca <leads@autotrader.example>
To: ventes@concession.example
Subject: Nouvelle demande AutoTrader.ca AT-2026-1184
Message-Id: <at-2026-1184@autotrader.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

<?xml version="1.0"?><?adf version="1.0"?><adf><prospect status="new">
<id sequence="1" source="AutoTrader.ca">AT-2026-1184</id>
<vehicle interest="buy" status="used"><year>2023</year><make>Toyota</make><model>RAV4</model>
<trim>XLE</trim></vehicle><customer><contact><name part="full">Genevieve Tremblay</name>
<email>genevieve.tremblay@courriel.example</email><phone type="cellphone">514 555 0142</phone>
<address><city>Montreal</city><regioncode>QC</regioncode><country>CA</country></address>
</contact><comments>Bonjour, est-ce que le RAV4 est encore disponible? J'aimerais l'essayer
samedi.</comments></customer><provider><name>AutoTrader.ca</name></provider></prospect></adf>
""")
print("DEALER_SHOT_IDS=" + json.dumps({
    "adf": adf_lead,
    "feed": feed.id, "website": website.id, "delivered": delivered.id, "maybe": maybe.id,
    "failed": failed.id, "night": night.id, "retry": retry.id, "uncertain": uncertain.id,
    "held": held.id, "error": error.id,
}))
env.cr.commit()
'''


def odoo_bin_cmd(db, *args, subcommand=None, server=False):
    """``odoo_tests.odoo_cmd`` for a subcommand (shell) or a long-running server."""
    cmd = odoo_tests.odoo_cmd(db, *args)
    if server:
        cmd.remove("--stop-after-init")
    if subcommand:
        at = next(i for i, part in enumerate(cmd) if part.endswith("odoo-bin")) + 1
        cmd[at:at] = [subcommand]
        cmd.remove("--stop-after-init")
    return cmd


def build_database(db):
    odoo_tests.clone_db(odoo_tests.template_db(), db)
    log = f"/tmp/{db}_install.log"
    print(f"screenshots: installing dealer_lead_addon in French into {db} (log: {log})",
          flush=True)
    # the template has no demo data, so Odoo loads no demo of the addon either (a module gets
    # its demo only when all its dependencies have theirs): DATA_SCRIPT writes the records
    code, _text = odoo_tests.run_odoo(db, "-i", odoo_tests.ADDON, "--load-language", LANG,
                                      log_path=log)
    if code:
        sys.exit(f"screenshots: the install failed, see {log}")


def update_database(db):
    log = f"/tmp/{db}_update.log"
    code, _text = odoo_tests.run_odoo(db, "-u", odoo_tests.ADDON, "--i18n-overwrite",
                                      log_path=log)
    if code:
        sys.exit(f"screenshots: the update failed, see {log}")


def write_data(db):
    proc = subprocess.run(
        odoo_bin_cmd(db, "--log-level", "warn", subcommand="shell"), input=DATA_SCRIPT,
        capture_output=True, text=True, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith(IDS_MARK)), None)
    if not line:
        sys.exit(f"screenshots: writing the data failed:\n{proc.stdout[-3000:]}"
                 f"\n{proc.stderr[-3000:]}")
    return json.loads(line[len(IDS_MARK):])


def start_server(db):
    cmd = odoo_bin_cmd(db, "--log-level", "warn", server=True)
    port = int(cmd[cmd.index("--http-port") + 1])
    with open(f"/tmp/{db}_server.log", "w") as log:  # the server keeps its own copy
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    proc.terminate()
    sys.exit(f"screenshots: Odoo did not start, see /tmp/{db}_server.log")


def settle(page):
    """Wait until the web client has rendered the view and stopped loading."""
    page.wait_for_selector(".o_action_manager .o_view_controller, .modal .o_form_view")
    # the bus keeps a connection open: no "networkidle"; wait for the client's own indicators
    page.wait_for_function("!document.querySelector('.o_loading_indicator, .o_blockUI')")
    page.wait_for_timeout(800)


def shoot(page, out, name, what):
    path = out / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshots: {path}  {what}", flush=True)


def show(page, selector):
    """Scroll the form so that ``selector`` is in the middle of the screen."""
    page.locator(selector).first.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)


def open_filter(page, label):
    page.click(".o_searchview_dropdown_toggler")
    page.locator(".o_filter_menu .o-dropdown-item", has_text=label).first.click()
    page.keyboard.press("Escape")
    settle(page)


def take_screenshots(base, ids, out):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport=VIEWPORT, locale="fr-CA")
        page.goto(f"{base}/web/login")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_url("**/odoo**")

        def visit(path):
            page.goto(f"{base}{path}")
            settle(page)

        lead = "/odoo/action-crm.crm_lead_action_pipeline"
        for key, what in (("delivered", "acknowledgement delivered (text delivered, e-mail sent)"),
                          ("maybe", "acknowledgement maybe sent"),
                          ("failed", "acknowledgement failed"),
                          ("night", "after hours: queued, reply-by promised")):
            visit(f"{lead}/{ids[key]}")
            show(page, ".o_field_widget[name=dealer_ack_state]")
            shoot(page, out, f"lead_form_ack_{key}", f"lead form, {what}")
        visit(f"{lead}/{ids['adf']}")
        show(page, ".o-mail-Message")
        shoot(page, out, "lead_form_adf_inquiry",
              "lead from an ADF e-mail: the inquiry as one readable message, no XML")
        visit(f"{lead}?view_type=list")
        shoot(page, out, "lead_list_ack", "pipeline list with the acknowledgement column")
        open_filter(page, "Accusé de réception à vérifier")
        shoot(page, out, "lead_list_ack_to_check", "pipeline list, filter: to check")
        visit(f"{lead}?view_type=kanban")
        shoot(page, out, "lead_kanban_ack", "pipeline kanban, maybe sent / failed badges")

        sms = "/odoo/action-sms.sms_sms_action"
        visit(sms)
        shoot(page, out, "sms_list", "outgoing texts: purpose, attempts, next attempt")
        open_filter(page, "Peut-être envoyé")
        shoot(page, out, "sms_list_maybe_sent", "outgoing texts, filter: maybe sent")
        visit(sms)
        open_filter(page, "En attente d'une nouvelle tentative")
        shoot(page, out, "sms_list_waiting_retry", "outgoing texts, filter: waiting for retry")
        for key, what in (("uncertain", "maybe sent (interrupted) with the warning"),
                          ("retry", "waiting for retry"), ("held", "held for quiet hours"),
                          ("error", "failed after the automatic retries")):
            visit(f"{sms}/{ids[key]}")
            shoot(page, out, f"sms_form_{key}", f"text form, {what}")

        source = "/odoo/action-dealer_lead_addon.dealer_lead_source_action"
        visit(source)
        shoot(page, out, "source_list", "lead sources with the feed column")
        visit(f"{source}/{ids['feed']}")
        shoot(page, out, "source_form_silent", "silent feed, alerted, key prefix")
        visit(f"{source}/{ids['website']}")
        shoot(page, out, "source_form_receiving", "receiving feed without a key yet")
        page.locator(".o_form_statusbar button[name=action_generate_api_key]:visible").click()
        confirm = page.locator(".modal .modal-footer .btn-primary")
        if "Remplacer" in page.locator(".o_form_statusbar").inner_text():
            confirm.click()  # a key exists already (a database kept from an earlier run)
        settle(page)
        shoot(page, out, "source_key_wizard", "the key, shown once")
        page.keyboard.press("Escape")

        intake = "/odoo/action-dealer_lead_addon.dealer_lead_intake_action"
        visit(intake)
        shoot(page, out, "intake_list", "inquiries numbered INQ/<year>/<id>")
        page.fill(".o_searchview_input", "000003")
        page.keyboard.press("Enter")
        settle(page)
        shoot(page, out, "intake_list_search_number", "inquiries searched by part of a number")
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/tmp/dealer-shots", type=Path)
    parser.add_argument("--db", default=f"dealer_shots_{os.getpid()}")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true",
                        help="the database exists (from --keep-db): update the addon only")
    args = parser.parse_args()
    ids_file = args.out / "ids.json"
    if args.reuse_db:
        update_database(args.db)
    else:
        build_database(args.db)
    server = None
    try:
        if args.reuse_db:
            ids = json.loads(ids_file.read_text())
        else:
            ids = write_data(args.db)
            args.out.mkdir(parents=True, exist_ok=True)
            ids_file.write_text(json.dumps(ids))
        server, base = start_server(args.db)
        take_screenshots(base, ids, args.out)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep_db:
            odoo_tests.drop_db(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
