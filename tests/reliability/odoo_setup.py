# ruff: noqa: F821  (run by ``odoo-bin shell``, which provides ``env``)
"""Configure the reliability database as a dealership in production would be.

Run inside ``odoo-bin shell`` (``env`` given); reads its settings from the REL_SETUP environment
variable (JSON) and prints one line ``REL_SETUP_RESULT <json>`` with the ids the tests need.
Texts may leave at any hour (quiet hours 0-24) and the teams are open around the clock, so
the suite does not depend on the hour it runs at.
"""

import json
import os

cfg = json.loads(os.environ["REL_SETUP"])
ca = env.ref("base.ca")
company = env.company

env["ir.config_parameter"].set_param("web.base.url", cfg["base_url"])
env["ir.config_parameter"].set_param("web.base.url.freeze", "True")
env.ref("base.user_admin").write({"password": cfg["admin_password"]})

always = env["resource.calendar"].create({
    "name": "Around the clock", "tz": "America/Toronto",
    "attendance_ids": [(5, 0, 0)] + [
        (0, 0, {"name": f"day {day} {period}", "dayofweek": str(day), "day_period": period,
                "hour_from": start, "hour_to": end})
        for day in range(7) for period, start, end in (("morning", 0, 12),
                                                         ("afternoon", 12, 24))],
})
company.write({
    "name": "Auto Laval", "country_id": ca.id, "email": "ventes@autolaval.example",
    "phone": "+1 450-555-0100", "resource_calendar_id": always.id,
    "dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0,
    "sms_provider": "twilio",
    "sms_twilio_account_sid": cfg["account_sid"],
    "sms_twilio_auth_token": cfg["auth_token"],
    "sms_twilio_number_ids": [(5, 0, 0)],
    "dealer_sms_webhook_url": cfg["webhook_url"],
})
salesperson_group = env.ref("dealer_lead_addon.group_dealer_lead_salesperson")
manager_group = env.ref("dealer_lead_addon.group_dealer_lead_manager")


def make_user(login, name, groups, password=None, mobile=False, partner_phone=False):
    user = env["res.users"].with_context(no_reset_password=True).create({
        "login": login, "name": name, "email": f"{login}@autolaval.example",
        "group_ids": [(4, group.id) for group in groups],
        "notification_type": "inbox", "tz": "America/Toronto", "lang": "en_US",
        **({"password": password} if password else {}),
    })
    user.dealer_alert_mobile = mobile
    if partner_phone:
        user.partner_id.phone = partner_phone
    env["resource.resource"].create({
        "name": name, "user_id": user.id, "tz": "America/Toronto", "calendar_id": always.id})
    return user


def make_team(name, members):
    team = env["crm.team"].create({
        "name": name, "dealer_resource_calendar_id": always.id, "user_id": members[0][0].id,
        "use_leads": True, "use_opportunities": True,
    })
    for user, weight in members:
        env["crm.team.member"].create({
            "crm_team_id": team.id, "user_id": user.id, "dealer_in_rotation": True,
            "dealer_weight": weight})
    env["dealer.sla.policy"].create({
        "name": f"{name} SLA", "team_id": team.id, "first_response_minutes": 10,
        "message_response_minutes": 5, "hours_mode": "always"})
    return team


burst_people = [
    make_user(login, name, [salesperson_group], mobile=mobile)
    for login, name, mobile in cfg["burst_salespeople"]
]
burst_team = make_team("Ventes", list(zip(burst_people, cfg["burst_weights"], strict=True)))
web_login, web_name, web_mobile, web_partner_phone = cfg["web_salesperson"]
web_person = make_user(web_login, web_name, [salesperson_group], mobile=web_mobile,
                       partner_phone=web_partner_phone)
web_team = make_team("Internet", [(web_person, 1)])
manager = make_user(cfg["manager_login"], "Gabrielle Gérante", [manager_group],
                    password=cfg["manager_password"])
company.write({"sms_twilio_number_ids": [(0, 0, {
    "country_id": ca.id, "number": cfg["dealer_number"], "dealer_team_id": web_team.id})]})

sources = {}
for code, team in (("burst", burst_team), ("web", web_team)):
    source = env["dealer.lead.source"].create({
        "name": f"Source {code}", "code": code, "team_id": team.id, "default_lang": "en_US"})
    key = cfg["api_keys"][code]
    if hasattr(source, "_dealer_set_api_key"):  # hashed keys (intake-pipeline)
        source._dealer_set_api_key(key)
    else:
        source.api_key = key
    sources[code] = source.id

env.cr.commit()
print("REL_SETUP_RESULT " + json.dumps({
    "company_id": company.id,
    "burst_team_id": burst_team.id, "web_team_id": web_team.id,
    "burst_user_ids": [u.id for u in burst_people], "web_user_id": web_person.id,
    "web_partner_id": web_person.partner_id.id, "manager_id": manager.id,
    "source_ids": sources,
}), flush=True)
