"""An ADF e-mail through Odoo's mail gateway, outside any HTTP request (as the fetchmail cron
delivers it): once its transaction commits, the acknowledgement cron is woken in the server's
cron workers, which text the customer without anybody running a cron by hand."""

import json

import rel_odoo
from rel_leads import adf_inquiry, new_customer

SCRIPT = """
import json
from datetime import timedelta

from odoo import fields

# only a wake-up can run the acknowledgement cron now: it is not due before tomorrow
ack_cron = env.ref("dealer_lead_addon.ir_cron_dealer_pending_acks")
ack_cron.nextcall = fields.Datetime.now() + timedelta(days=1)
env["ir.cron.trigger"].search([("cron_id", "=", ack_cron.id)]).unlink()
team = env["crm.team"].browse(%(burst_team_id)d)
env["dealer.lead.source"].create({
    "name": "Source e-mail", "code": "rel-email", "team_id": team.id,
    "default_lang": "en_US", "email_match": "leads@rel-email.example"})
env.cr.commit()
raw = %(raw)r
lead_id = env["mail.thread"].sudo().message_process("crm.lead", raw)
env.cr.commit()  # the acknowledgement cron is woken right after this commit
intake = env["dealer.lead.intake"].search([("lead_id", "=", lead_id)], limit=1)
print("SCRIPT_RESULT " + json.dumps({
    "lead_id": lead_id, "intake": intake.state, "name": intake.name,
    "raw_kept": intake.raw_payload == raw,
}), flush=True)
"""

RESTORE = """
from odoo import fields

env.ref("dealer_lead_addon.ir_cron_dealer_pending_acks").nextcall = fields.Datetime.now()
env.cr.commit()
print("RESTORED", flush=True)
"""

EMAIL = """From: Reliability <leads@rel-email.example>
To: leads@rel.example
Subject: New lead {serial}
Message-Id: <rel-email-{serial}@rel-email.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

{adf}"""


def test_adf_email_is_acknowledged_by_the_cron_workers_after_its_commit(odoo, workdir):
    phone, email, serial = new_customer()
    adf, _content_type = adf_inquiry(phone, email)
    raw = EMAIL.format(serial=serial, adf=adf.decode())
    log_start = odoo.log_offset()
    try:
        _check_acknowledged_after_commit(odoo, workdir, phone, email, raw)
    finally:
        assert "RESTORED" in rel_odoo.run_shell(odoo.db, RESTORE, workdir / "email.log")
    assert "Traceback" not in odoo.log_since(log_start)


def _check_acknowledged_after_commit(odoo, workdir, phone, email, raw):
    out = rel_odoo.run_shell(odoo.db, SCRIPT % {
        "burst_team_id": odoo.ids["burst_team_id"], "raw": raw}, workdir / "email.log")
    line = next((line for line in out.splitlines() if line.startswith("SCRIPT_RESULT ")), None)
    assert line, out[-2000:] + (workdir / "email.log").read_text(errors="replace")[-3000:]
    result = json.loads(line.split(" ", 1)[1])
    assert (result["intake"], result["raw_kept"]) == ("created", True)

    # nobody runs the acknowledgement cron here: the server's cron workers were woken
    acknowledged = odoo.poll(lambda: odoo.sql(
        f"SELECT dealer_ack_state FROM crm_lead WHERE id = {result['lead_id']} "
        "AND dealer_ack_state <> 'pending'"), timeout=60)
    assert acknowledged, "the acknowledgement cron was not woken after the commit"
    assert odoo.poll(lambda: odoo.twilio.accepted_to(phone), timeout=60)
    assert odoo.poll(lambda: odoo.smtp.messages_to(email), timeout=60)

    bodies = [row["body"] for row in odoo.sql(
        f"SELECT body FROM mail_message WHERE model = 'crm.lead' "
        f"AND res_id = {result['lead_id']} AND message_type = 'email'")]
    # one message: the inquiry as staff read it (it names its intake), in their language
    assert len(bodies) == 1 and result["name"] in bodies[0], bodies
    assert "prospect" not in bodies[0], "the salesperson reads the inquiry, not its XML"
