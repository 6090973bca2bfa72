#!/usr/bin/env python3
"""French (Canada) screenshots of the lead board, the leaderboard and the dealer lead form.

Builds a throw-away database like scripts/screenshots.py (whose helpers it uses), writes leads
waiting for an answer and answered ones, starts Odoo and saves PNGs (desktop and phone).

    .venv/bin/python scripts/screenshots_board.py [--out /work/shots/board]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_tests
import screenshots

PHONE = {"width": 390, "height": 844}

DATA_SCRIPT = r'''
import json
from datetime import timedelta
from odoo import fields

env["res.lang"]._activate_lang("fr_CA")
admin = env.ref("base.user_admin")
admin.write({"lang": "fr_CA", "tz": "America/Toronto"})
env.company.write({"country_id": env.ref("base.ca").id, "dealer_quiet_hour_start": 0.0,
                   "dealer_quiet_hour_end": 24.0})
now = fields.Datetime.now().replace(microsecond=0)
ago = lambda minutes: now - timedelta(minutes=minutes)
Users = env["res.users"].with_context(no_reset_password=True)
group = env.ref("dealer_lead_addon.group_dealer_lead_salesperson")
def person(login, name):
    return Users.create({"login": login, "name": name, "password": login * 2, "lang": "fr_CA",
                         "tz": "America/Toronto", "group_ids": [(4, group.id)]})
marc, julie, sam = person("marc", "Marc Gagnon"), person("julie", "Julie Roy"), person(
    "samuel", "Samuel Pelletier")
team = env["crm.team"].create({"name": "Ventes Laval", "dealer_up_for_grabs": True,
                               "user_id": admin.id})
for user in (marc, julie, sam, admin):
    env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id})
env["dealer.sla.policy"].create({"name": "Web : 10 minutes", "team_id": team.id,
                                 "first_response_minutes": 10, "message_response_minutes": 15,
                                 "hours_mode": "always", "prewarn_minutes": 3})
Source = env["dealer.lead.source"]
sources = {name: Source.create({"name": name, "code": code, "team_id": team.id})
           for name, code in (("AutoTrader.ca", "autotrader"), ("Site web", "site"),
                              ("Kijiji Autos", "kijiji"))}
Lead = env["crm.lead"].with_context(dealer_intake_skip=True, tracking_disable=True)
Clock = env["dealer.response.clock"]
def lead(contact, phone, source, vehicle, minutes_ago, user=False, trade=None, words=None,
         answer=None):
    vehicles = [(0, 0, {"interest": "buy", **vehicle})]
    if trade:
        vehicles.append((0, 0, {"interest": "trade-in", **trade}))
    record = Lead.create({
        "name": f"{contact} - {vehicle['make']} {vehicle['model']}", "type": "opportunity",
        "contact_name": contact, "phone": phone, "team_id": team.id,
        "user_id": user and user.id, "dealer_source_id": sources[source].id,
        "dealer_request_date": ago(minutes_ago), "dealer_vehicle_ids": vehicles,
        "description": words and f"<p>{words}</p>", "expected_revenue": 42000,
    })
    Clock._dealer_start(record, "first", at=ago(minutes_ago))
    if answer:
        by, after = answer
        record._dealer_human_responded("sms", by, when=ago(minutes_ago) + timedelta(minutes=after))
    return record

waiting = [
    lead("Sophie Tremblay", "+15145550101", "AutoTrader.ca",
         {"condition": "new", "year": 2026, "make": "Toyota", "model": "RAV4", "trim": "XLE"}, 2,
         trade={"year": 2019, "make": "Honda", "model": "Civic"},
         words="Bonjour, est-ce que le RAV4 hybride bleu est encore disponible? "
               "Je peux passer samedi."),
    lead("Luc Bergeron", "+14505550102", "Site web",
         {"condition": "used", "year": 2022, "make": "Honda", "model": "CR-V"}, 8),
    lead("Nadia Côté", "+15145550103", "Kijiji Autos",
         {"condition": "new", "year": 2026, "make": "Ford", "model": "F-150"}, 14, user=julie),
    lead("Jean Roy", "+18195550104", "AutoTrader.ca",
         {"condition": "new", "year": 2025, "make": "Subaru", "model": "Outback"}, 5, user=marc),
]
for name, user, source, after, minutes_ago in (
        ("Anne Lavoie", marc, "AutoTrader.ca", 3, 300), ("Paul Girard", marc, "Site web", 7, 280),
        ("Éric Fortin", julie, "Kijiji Autos", 24, 260), ("Line Caron", julie, "Site web", 55, 240),
        ("Hugo Morin", sam, "AutoTrader.ca", 4, 200), ("Marie Ouellet", sam, "Site web", 9, 150),
        ("Yves Gagné", marc, "Kijiji Autos", 2, 100)):
    lead(name, "+15145550199", source, {"condition": "used", "year": 2021, "make": "Mazda",
                                        "model": "CX-5"}, minutes_ago, user=user,
         answer=(user, after))
lead("Chantal Dubé", "+15145550188", "AutoTrader.ca",
     {"condition": "new", "year": 2026, "make": "Kia", "model": "Sportage"}, 90, user=sam)
env["dealer.response.clock"]._cron_process_due()
tpl = env["sms.template"].create({
    "name": "Premier contact", "model_id": env["ir.model"]._get_id("crm.lead"),
    "body": "Bonjour {{ object.contact_name }}, ici {{ object.user_id.name }} de Auto Laval. "
            "Votre demande est bien reçue, je vous rappelle dans quelques minutes. "
            "Répondez STOP pour ne plus recevoir de textos.",
})
print("DEALER_SHOT_IDS=" + json.dumps({"form": waiting[0].id, "template": tpl.id}))
env.cr.commit()
'''


def write_data(db):
    proc = subprocess.run(
        screenshots.odoo_bin_cmd(db, "--log-level", "warn", subcommand="shell"),
        input=DATA_SCRIPT, capture_output=True, text=True, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith(screenshots.IDS_MARK)),
                None)
    if not line:
        sys.exit(f"writing the data failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line[len(screenshots.IDS_MARK):])


def take(base, ids, out):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=screenshots.CHROMIUM, headless=True)
        for size, suffix in ((screenshots.VIEWPORT, ""), (PHONE, "_phone")):
            page = browser.new_page(viewport=size, locale="fr-CA")
            page.goto(f"{base}/web/login")
            page.fill("input[name=login]", "admin")
            page.fill("input[name=password]", "admin")
            page.click("button[type=submit]")
            page.wait_for_url("**/odoo**")

            def visit(path, ready, page=page):
                page.goto(f"{base}{path}")
                page.wait_for_selector(ready)
                page.wait_for_timeout(1500)

            def shoot(name, what, page=page, suffix=suffix):
                path = out / f"{name}{suffix}.png"
                page.screenshot(path=str(path), full_page=False)
                print(f"{path}  {what}", flush=True)

            visit("/odoo/action-dealer_lead_addon.dealer_lead_board_action",
                  ".o_dealer_board_card")
            shoot("board", "live lead board")
            visit(f"/odoo/action-crm.crm_lead_action_pipeline/{ids['form']}",
                  ".o_dealer_lead_header")
            shoot("lead_form", "dealer lead form")
            if suffix:
                continue
            visit("/odoo/action-dealer_lead_addon.dealer_leaderboard_action", ".o_dealer_lb_table")
            shoot("leaderboard", "leaderboard, today, per salesperson")
            page.click("[data-dimension='source_id']")
            page.wait_for_timeout(500)
            shoot("leaderboard_sources", "leaderboard, today, per source")
            visit("/odoo/action-dealer_lead_addon.dealer_leaderboard_kiosk_action",
                  ".o_dealer_leaderboard_kiosk")
            shoot("leaderboard_kiosk", "kiosk view")
            visit("/odoo/action-dealer_lead_addon.dealer_response_report_action?view_type=pivot",
                  ".o_pivot")
            shoot("report_pivot", "pivot: business hours / after hours columns")
            visit("/odoo/action-dealer_lead_addon.dealer_response_report_action?view_type=list",
                  ".o_list_view")
            shoot("report_list", "list: blank minutes while unanswered")
            visit(f"/odoo/action-sms.sms_template_action/{ids['template']}", ".o_sms_count")
            shoot("sms_template_counter", "Odoo's counter agrees with the addon's")
            page.close()
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/work/shots/board", type=Path)
    args = parser.parse_args()
    db = f"dealer_board_shots_{os.getpid()}"
    screenshots.build_database(db)
    server = None
    try:
        ids = write_data(db)
        server, base = screenshots.start_server(db)
        take(base, ids, args.out)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        odoo_tests.drop_db(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
