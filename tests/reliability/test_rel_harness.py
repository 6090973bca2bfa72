"""The harness itself runs as production does: prefork workers, a cron worker woken by
``_trigger``, texts reaching the provider through ``sms_twilio``'s own client."""

import rel_odoo

TRIGGER_SMS_QUEUE = """
cron = env.ref("sms.ir_cron_sms_scheduler_action")
cron._trigger()
env.cr.commit()
print("TRIGGERED", flush=True)
"""


def test_odoo_runs_prefork_with_a_cron_worker(odoo):
    # two HTTP workers and one cron worker under the master
    assert len(odoo.server.child_pids()) >= 3, odoo.server.child_pids()


def test_cron_worker_wakes_on_trigger(odoo, workdir):
    before = odoo.sql("SELECT count(*) AS n FROM ir_cron_trigger")[0]["n"]
    sms_cron = odoo.ids["sms_cron_id"]
    last = odoo.sql(f"SELECT lastcall FROM ir_cron WHERE id = {sms_cron}")[0]["lastcall"]
    out = rel_odoo.run_shell(odoo.db, TRIGGER_SMS_QUEUE, workdir / "shell.log")
    assert "TRIGGERED" in out

    def ran():
        row = odoo.sql(f"SELECT lastcall FROM ir_cron WHERE id = {sms_cron}")[0]
        return row["lastcall"] and row["lastcall"] != last

    # the cron worker LISTENs on cron_trigger: it runs the job without waiting for its minute
    assert odoo.poll(ran, timeout=50)
    assert odoo.sql("SELECT count(*) AS n FROM ir_cron_trigger")[0]["n"] <= before
