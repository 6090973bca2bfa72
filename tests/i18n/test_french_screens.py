"""The main screens read in French: a French (Canada) administrator opens the CRM menus, the
pipeline (with its filters), a lead with its salesperson's SLA to-do, the CRM settings and the
intake inbox in Chromium, and none of the English labels a newcomer saw in issue #13 appears.

The database is the addon installed on the English-only dependencies template of
scripts/odoo_tests.py, without ``--load-language``: the French comes from the install itself.
``DEALER_SHOTS_DIR=/some/dir`` also saves a PNG of each screen there.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import odoo_tests  # scripts/ is not a package
import screenshots

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ENGLISH_LABELS = ["Sales", "Reporting", "New", "Qualified", "Won", "Lost", "Expected Revenue",
                  "Salesperson", "My Pipeline", "Answer this lead", "Your Lead", "Powered by"]
IDS_MARK = "DEALER_FR_IDS="

pytestmark = pytest.mark.skipif(
    not (odoo_tests.ODOO_PATH / "odoo-bin").exists() or not shutil.which(CHROMIUM),
    reason="needs Odoo 19 (ODOO_PATH) and Chromium (CHROMIUM)")

# run in `odoo-bin shell`: the administrator in French, a French salesperson, a lead of theirs
# with the SLA to-do the escalation schedules, an inquiry in the intake inbox
DATA_SCRIPT = r'''
import json
from freezegun import freeze_time
from odoo.addons.dealer_lead_addon.models.dealer_response_clock import _lt

env.ref("base.user_admin").write({"lang": "fr_CA", "tz": "America/Toronto"})
user = env["res.users"].create({
    "name": "Marc Gagnon", "login": "marc", "password": "marc-fr-2026", "lang": "fr_CA",
    "tz": "America/Toronto",
    "group_ids": [(4, env.ref("dealer_lead_addon.group_dealer_lead_manager").id)],
})
team = env["crm.team"].search([], limit=1)
team.member_ids = [(4, user.id)]
lead = env["crm.lead"].with_context(dealer_intake_skip=True).create({
    "name": "Sophie Tremblay - RAV4 2024", "type": "opportunity", "contact_name": "Sophie Tremblay",
    "phone": "+15145550199", "user_id": user.id, "team_id": team.id, "expected_revenue": 42000,
})
env["crm.lead"].with_context(dealer_intake_skip=True).create({
    "name": "Luc Bergeron - Civic 2022", "type": "opportunity", "contact_name": "Luc Bergeron",
    "user_id": env.ref("base.user_admin").id, "team_id": team.id, "expected_revenue": 24500,
})
env["dealer.staff.alert"]._alert(
    lead, user, _lt("Overdue: %(customer)s is waiting for your answer. %(link)s",
                    customer="Sophie Tremblay", link=""),
    text=False, activity=_lt("Answer this lead (SLA)"))
env.company.write({"name": "Automobiles Boréal Laval", "street": "3000 boulevard Le Carrefour",
                   "city": "Laval", "zip": "H7T 2K9", "phone": "+1 450-555-0100",
                   "email": "ventes@autoboreal.example",
                   "state_id": env.ref("base.state_ca_qc").id, "country_id": env.ref("base.ca").id})
customer = env["crm.lead"].with_context(dealer_intake_skip=True).create({
    "name": "Geneviève Tremblay - Outback 2025 (interne)", "type": "opportunity",
    "contact_name": "Geneviève Tremblay", "email_from": "genevieve@courriel.example",
    "user_id": user.id, "team_id": team.id, "lang_id": env.ref("base.lang_fr_CA").id,
})
mail = env["dealer.outbound"]._send_mail(
    customer, env.ref("dealer_lead_addon.mail_template_ack_fr"), purpose="ack")
source = env["dealer.lead.source"].create({"name": "Site web", "code": "site", "team_id": team.id})
env["dealer.lead.intake"].create({"channel": "http", "source_id": source.id, "payload": "{}"})
# a Quebec dealership reads French: an inquiry through the pipeline leaves French notes
env.company.partner_id.lang = "fr_CA"
inquiry = {
    "provider_lead_id": "WEB-77", "provider": {"name": "Site web"},
    "customer": {"first_name": "Julien", "last_name": "Paquette",
                 "email": "julien@courriel.example", "phone": "514-555-0177",
                 "address": {"region": "QC", "country": "CA"}, "language": "fr",
                 "comments": "Est-ce que le Outback est encore disponible?"},
    "vehicles": [{"interest": "buy", "status": "new", "year": 2025, "make": "Subaru",
                  "model": "Outback"},
                 {"interest": "trade-in", "status": "used", "year": 2016, "make": "Honda",
                  "model": "Civic", "odometer": 141000}],
}
# a Wednesday at 10:00 in Quebec: the team is on shift, the round robin routes the inquiry
with freeze_time("2026-12-02 15:00:00"):
    intake, _outcome = env["dealer.lead.intake"]._dealer_intake_http(
        source, json.dumps(inquiry).encode(), "application/json")
print("DEALER_FR_IDS=" + json.dumps({"lead": lead.id, "intake_lead": intake.lead_id.id,
                                     "mail_html": str(mail.body_html)}))
env.cr.commit()
'''


@pytest.fixture(scope="module")
def french_odoo():
    db = f"dealer_fr_screens_{os.getpid()}"
    odoo_tests.clone_db(odoo_tests.template_db(), db)
    server = None
    try:
        code, _log = odoo_tests.run_odoo(db, "-i", odoo_tests.ADDON, "--without-demo", "all",
                                         log_path=f"/tmp/{db}_install.log")
        assert code == 0, f"install failed, see /tmp/{db}_install.log"
        proc = subprocess.run(
            screenshots.odoo_bin_cmd(db, "--log-level", "warn", subcommand="shell"),
            input=DATA_SCRIPT, capture_output=True, text=True, check=False)
        line = next((x for x in proc.stdout.splitlines() if x.startswith(IDS_MARK)), None)
        assert line, f"data script failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        ids = __import__("json").loads(line[len(IDS_MARK):])
        server, base = screenshots.start_server(db)
        yield base, ids
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        odoo_tests.drop_db(db)


@pytest.fixture(scope="module")
def page(french_odoo):
    from playwright.sync_api import sync_playwright

    base, _ids = french_odoo
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport=screenshots.VIEWPORT, locale="fr-CA")
        page.goto(f"{base}/web/login")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", "admin")
        page.click("button[type=submit]")
        page.wait_for_url("**/odoo**")
        yield page
        browser.close()


def _visit(page, base, path, name):
    page.goto(f"{base}{path}")
    screenshots.settle(page)
    return _screen_text(page, name)


def _screen_text(page, name):
    shots = os.environ.get("DEALER_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"))
    return page.inner_text("body")


def _english_labels(text):
    return [label for label in ENGLISH_LABELS if re.search(rf"\b{re.escape(label)}\b", text)]


def test_pipeline_and_its_filters_read_in_french(page, french_odoo):
    base, _ids = french_odoo
    text = _visit(page, base, "/odoo/action-crm.crm_lead_action_pipeline", "pipeline")
    assert "Nouveau" in text, "the stages are French"
    page.click(".o_searchview_dropdown_toggler")
    page.wait_for_selector(".o_filter_menu")
    text += _screen_text(page, "pipeline_filters")
    page.keyboard.press("Escape")
    assert not _english_labels(text)


def test_lead_form_and_its_sla_todo_read_in_french(page, french_odoo):
    base, ids = french_odoo
    text = _visit(page, base, f"/odoo/action-crm.crm_lead_action_pipeline/{ids['lead']}",
                  "lead_form")
    assert "Répondre à cette piste (délai de réponse)" in text
    assert not _english_labels(text)


def test_crm_menus_read_in_french(page, french_odoo):
    base, _ids = french_odoo
    _visit(page, base, "/odoo/crm", "crm_app")
    text = page.inner_text(".o_main_navbar")
    assert "Ventes" in text
    assert not _english_labels(text)


def test_crm_settings_read_in_french(page, french_odoo):
    base, _ids = french_odoo
    text = _visit(page, base, "/odoo/action-crm.crm_config_settings_action", "settings")
    block = page.locator("#dealer_quiet_hours")
    if block.count():
        block.first.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        text += _screen_text(page, "settings_dealer")
    assert not _english_labels(text)


def test_intake_inbox_reads_in_french(page, french_odoo):
    base, _ids = french_odoo
    text = _visit(page, base, "/odoo/action-dealer_lead_addon.dealer_lead_intake_action",
                  "intake_inbox")
    assert not _english_labels(text)


def test_acknowledgement_email_reads_as_the_dealers_in_french(page, french_odoo):
    _base, ids = french_odoo
    page.set_content(ids["mail_html"])
    text = _screen_text(page, "email_acknowledgement")
    assert "Merci pour votre demande" in text
    assert "Automobiles Boréal Laval" in text and "3000 boulevard Le Carrefour" in text
    assert "(interne)" not in text, "the internal lead title is not shown to the customer"
    assert not _english_labels(text)


def test_lead_from_the_intake_pipeline_has_french_notes(page, french_odoo):
    base, ids = french_odoo
    assert ids["intake_lead"], "the inquiry made a lead"
    _visit(page, base, f"/odoo/action-crm.crm_lead_action_pipeline/{ids['intake_lead']}",
           "lead_form_intake")
    chatter = page.locator(".o-mail-Chatter, .o-mail-Form-chatter").first
    chatter.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    text = _screen_text(page, "lead_form_intake_chatter")
    assert "Demande reçue par" in text
    assert "Véhicule d'échange" in text or "d'échange" in text
    assert not _english_labels(text)
    assert "Inquiry received" not in text and "Routed to" not in text
