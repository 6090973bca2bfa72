"""The same inquiry, or the same customer, arriving many times at once on several workers."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from rel_leads import json_inquiry, new_customer, post_intake

PARALLEL = 20


def _post_all_at_once(odoo, payloads):
    barrier = threading.Barrier(len(payloads))

    def post(payload):
        barrier.wait()
        return post_intake(odoo, "web", *payload)

    with ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(post, payloads))


def _acknowledgements_to(odoo, phone):
    odoo.poll(lambda: odoo.twilio.accepted_to(phone), timeout=60)
    odoo.run_sms_queue()  # the queue settles: nothing left to send twice
    return odoo.twilio.requests_to(phone)


def test_same_provider_lead_id_twenty_times_at_once_is_one_lead(odoo):
    phone, email, _serial = new_customer()
    provider_id = f"RACE-{uuid.uuid4().hex[:10]}"
    payload = json_inquiry(phone, email, provider_lead_id=provider_id)
    answers = _post_all_at_once(odoo, [payload] * PARALLEL)

    assert Counter(a.status for a in answers) == {201: 1, 200: PARALLEL - 1}, [
        (a.status, a.body[:200]) for a in answers]
    assert Counter(a.json.get("status") for a in answers) == {
        "created": 1, "repeat": PARALLEL - 1}
    assert len({a.json.get("lead_id") for a in answers}) == 1
    leads = odoo.sql(f"SELECT id FROM crm_lead WHERE dealer_provider_lead_id = '{provider_id}'")
    assert len(leads) == 1
    assert len(_acknowledgements_to(odoo, phone)) == 1


def test_same_phone_twenty_inquiries_at_once_attach_to_one_lead(odoo):
    phone, _email, _serial = new_customer()
    payloads = [json_inquiry(phone, provider_lead_id=f"PH-{uuid.uuid4().hex[:10]}")
                for _i in range(PARALLEL)]
    answers = _post_all_at_once(odoo, payloads)

    assert Counter(a.status for a in answers) == {201: 1, 200: PARALLEL - 1}, [
        (a.status, a.body[:200]) for a in answers]
    assert Counter(a.json.get("status") for a in answers) == {
        "created": 1, "attached": PARALLEL - 1}
    leads = odoo.sql(f"""
        SELECT id, dealer_inquiry_count FROM crm_lead
         WHERE phone_sanitized = '{phone}' AND active""")
    assert len(leads) == 1
    assert leads[0]["dealer_inquiry_count"] == PARALLEL
    assert {a.json.get("lead_id") for a in answers} == {leads[0]["id"]}
    assert len(_acknowledgements_to(odoo, phone)) == 1
