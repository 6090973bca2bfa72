"""A manager retries forty quarantined inquiries at once: each one is handled on its own, a
failing one never aborts the others."""

import json
from concurrent.futures import ThreadPoolExecutor

from rel_leads import new_customer, post_intake

QUARANTINED = 40
STILL_UNREACHABLE = 5
DATABASE_ERROR = 5  # a value the database refuses (integer out of range) on the lead


def _unreachable():
    """A JSON inquiry with no way to reach the customer: quarantined."""
    return json.dumps({"customer": {"first_name": "Nobody", "comments": "call me"}}).encode()


def _fixed(phone, email, year="2025"):
    """A usable inquiry; ``year`` is the JSON literal of the vehicle's year."""
    customer = json.dumps({"first_name": "Fixed", "last_name": phone[-4:], "email": email,
                           "phones": [{"number": phone, "type": "mobile"}]})
    return (f'{{"customer": {customer}, "vehicles": [{{"interest": "buy", "year": {year}, '
            f'"make": "Ford", "model": "F-150"}}]}}')


def test_retry_forty_quarantined_intakes_at_once(odoo):
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(
            lambda _i: post_intake(odoo, "web", _unreachable(), "application/json"),
            range(QUARANTINED)))
    assert [a.status for a in answers] == [422] * QUARANTINED, [a.body[:200] for a in answers]
    intake_ids = [a.json["intake_id"] for a in answers]

    manager = odoo.manager()
    customers = {}
    for index, intake_id in enumerate(intake_ids):
        if index < STILL_UNREACHABLE:
            continue  # left as it is: still refused
        phone, email, _serial = new_customer()
        customers[intake_id] = (phone, email)
        year = ("99999999999999999999" if index < STILL_UNREACHABLE + DATABASE_ERROR
                else "2025")
        manager.call("dealer.lead.intake", "write", [intake_id],
                     {"payload": _fixed(phone, email, year)})
    log_start = odoo.log_offset()

    # one call for all of them, as the list view's Retry button does
    manager.call("dealer.lead.intake", "action_retry", intake_ids)

    rows = {row["id"]: row for row in odoo.sql(f"""
        SELECT id, state, reason_template AS reason, lead_id FROM dealer_lead_intake
         WHERE id IN ({",".join(map(str, intake_ids))})""")}
    assert len(rows) == QUARANTINED
    unreachable = intake_ids[:STILL_UNREACHABLE]
    overflow = intake_ids[STILL_UNREACHABLE:STILL_UNREACHABLE + DATABASE_ERROR]
    fixed = intake_ids[STILL_UNREACHABLE + DATABASE_ERROR:]
    assert all(rows[i]["state"] == "quarantined" and rows[i]["reason"] for i in unreachable)
    # the database error of one inquiry stays its own: kept with a reason, or the value dropped
    assert all(rows[i]["state"] in ("quarantined", "created") and (
        rows[i]["reason"] or rows[i]["lead_id"]) for i in overflow), [rows[i] for i in overflow]
    assert [rows[i]["state"] for i in fixed] == ["created"] * len(fixed), [
        rows[i] for i in fixed if rows[i]["state"] != "created"]
    assert all(rows[i]["lead_id"] for i in fixed)
    log = odoo.log_since(log_start)
    assert "InFailedSqlTransaction" not in log
    assert "current transaction is aborted" not in log

    # each new lead is acknowledged once
    phones = [customers[i][0] for i in fixed]
    odoo.poll(lambda: all(odoo.twilio.accepted_to(phone) for phone in phones), timeout=60)
    odoo.run_sms_queue()
    assert {phone: len(odoo.twilio.requests_to(phone)) for phone in phones} == {
        phone: 1 for phone in phones}
