"""A script on a real database (``odoo-bin shell``, outside the test mode that keeps every
side transaction inline): it adds a salesperson to a team and routes an inquiry to that team
in the same transaction. The round robin's side transaction must not wait for the row locks
its own caller holds on the team's members (it used to, until its lock timeout, and the
inquiry failed)."""

import json

import rel_odoo
from rel_leads import json_inquiry, new_customer

SCRIPT = """
import json

always = env["crm.team"].browse(%(burst_team_id)d).dealer_resource_calendar_id
group = env.ref("dealer_lead_addon.group_dealer_lead_salesperson")


def person(login):
    user = env["res.users"].with_context(no_reset_password=True).create({
        "login": login, "name": login, "group_ids": [(4, group.id)], "tz": "America/Toronto"})
    env["resource.resource"].create({
        "name": login, "user_id": user.id, "tz": "America/Toronto", "calendar_id": always.id})
    return user


first, second = person("rel_script_first"), person("rel_script_second")
team = env["crm.team"].create({
    "name": "Script", "dealer_resource_calendar_id": always.id, "user_id": first.id,
    "use_leads": True, "use_opportunities": True, "member_ids": [(4, first.id)]})
source = env["dealer.lead.source"].create({
    "name": "Source script", "code": "script", "team_id": team.id, "default_lang": "en_US"})
env.cr.commit()

# one transaction: the team's memberships are written, then an inquiry is routed to it
team.member_ids = [(4, second.id)]
intake, _outcome = env["dealer.lead.intake"]._dealer_intake_http(
    source, %(body)r, "application/json")
env.cr.commit()
members = team.crm_team_member_ids
print("SCRIPT_RESULT " + json.dumps({
    "state": intake.state, "lead_user": intake.lead_id.user_id.login,
    "received": sum(members.mapped("dealer_assigned_count")),
    "members": sorted(members.user_id.mapped("login"))}), flush=True)
"""


def test_a_script_that_adds_a_member_then_routes_a_lead_does_not_wait_on_itself(odoo, workdir):
    phone, email, _serial = new_customer()
    body, _content_type = json_inquiry(phone, email)
    log = workdir / "script.log"
    out = rel_odoo.run_shell(odoo.db, SCRIPT % {
        "burst_team_id": odoo.ids["burst_team_id"], "body": body}, log)
    line = next((line for line in out.splitlines() if line.startswith("SCRIPT_RESULT ")), None)
    assert line, out[-2000:] + log.read_text(errors="replace")[-3000:]
    result = json.loads(line.split(" ", 1)[1])
    assert result["members"] == ["rel_script_first", "rel_script_second"]
    assert result["state"] == "created"
    assert result["lead_user"] in result["members"]
    assert result["received"] == 1
