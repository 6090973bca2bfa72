"""The marketing frequency cap on a real database: several senders at once (two threads of
their own, each with its own connection, plus the server's cron worker) take the same
customer's promotions from the SMS queue; no more than the cap reach a provider."""

import rel_odoo
from rel_leads import new_customer

CAMPAIGNS = 6

RACE = """
import threading
from unittest.mock import patch

phone = %(phone)r
partner = env["res.partner"].create({"name": "Client promo", "phone": phone, "lang": "fr_CA"})
env["dealer.consent"]._dealer_record("express", ["marketing"], phone=phone, source="rel test")
Sms = env["sms.sms"]
mailings = env["mailing.mailing"].create([{
    "subject": f"Promo {i}", "mailing_type": "sms", "body_plaintext": f"Pneus {i}",
    "mailing_model_id": env["ir.model"]._get_id("res.partner"),
    "mailing_domain": repr([("id", "=", partner.id)])} for i in range(%(campaigns)s)])
for mailing in mailings:
    mailing.action_send_sms()
env.cr.commit()
barrier = threading.Barrier(2)
# the threads' provider: a stand-in that takes every text (the server's cron worker sends
# through the Twilio stand-in)
handed = []

def provider(self):
    handed.extend(self.ids)
    self.write({"state": "sent", "dealer_send_started_at": False})

def worker():
    with env.registry.cursor() as cr:
        wenv = env(cr=cr)
        barrier.wait()
        for _round in range(%(campaigns)s):
            wenv["sms.sms"]._process_queue()

with patch.object(type(Sms), "_get_send_batch_size", lambda self: 1), \
        patch.object(type(Sms), "_dealer_call_provider", provider):
    threads = [threading.Thread(target=worker) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
env.cr.rollback()
logs = env["dealer.marketing.send"].search_count([("number", "=", phone)])
capped = Sms.search_count([("number", "=", phone), ("failure_type", "=", "dealer_marketing_cap")])
print(f"PROMO_RESULT {logs} {len(handed)}", flush=True)
"""


def test_two_workers_at_once_never_pass_the_marketing_cap(odoo, workdir):
    phone, _email, _serial = new_customer()
    out = rel_odoo.run_shell(odoo.db, RACE % {"phone": phone, "campaigns": CAMPAIGNS},
                             workdir / "promo.log")
    line = next((line for line in out.splitlines() if line.startswith("PROMO_RESULT ")), None)
    assert line, out[-2000:] + (workdir / "promo.log").read_text(errors="replace")[-3000:]
    handed = int(line.split()[2])
    odoo.run_sms_queue()  # whatever the threads left, the server's queue settles

    def settled():
        rows = odoo.sql(f"""SELECT count(*) AS n FROM sms_sms WHERE number = '{phone}'
                            AND state = 'outgoing'""")
        return rows[0]["n"] == 0

    assert odoo.poll(settled, timeout=60)
    logs = odoo.sql(f"SELECT count(*) AS n FROM dealer_marketing_send WHERE number = '{phone}'")
    assert logs[0]["n"] == 2
    assert handed + len(odoo.twilio.accepted_to(phone)) == 2
    capped = odoo.sql(f"""SELECT count(*) AS n FROM sms_sms WHERE number = '{phone}'
                          AND failure_type = 'dealer_marketing_cap'""")
    assert capped[0]["n"] == CAMPAIGNS - 2
