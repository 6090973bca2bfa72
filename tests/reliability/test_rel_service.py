"""Service DMS pushes of one appointment arriving many times at once on several workers."""

import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from rel_leads import Answer, new_customer
from rel_odoo import http_request

PARALLEL = 20


def _push(odoo, payload):
    """POST one DMS push to ``/dealer_lead/service/web`` (the web source's key)."""
    headers = {"Content-Type": "application/json",
               "Authorization": f"Bearer {odoo.api_keys['web']}"}
    status, answer_headers, data = http_request(
        "POST", f"{odoo.url}/dealer_lead/service/web", payload, headers, timeout=120)
    return Answer(status, answer_headers, data, time.monotonic())


def _push_all_at_once(odoo, payloads):
    barrier = threading.Barrier(len(payloads))

    def push(payload):
        barrier.wait()
        return _push(odoo, payload)

    with ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(push, payloads))


def _appointment(phone, dms_id, **extra):
    # the wall clock is only read to put the appointment ahead of the server's now
    when = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    return json.dumps({
        "id": dms_id, "status": "booked", "appointment_at": when.isoformat(),
        "customer": {"name": f"Client {phone[-4:]}", "phone": phone, "lang": "en"},
        "vehicle": {"year": 2021, "make": "Toyota", "model": "RAV4"}, **extra,
    }).encode()


def _visits(odoo, dms_id):
    return odoo.sql(f"SELECT id, ro_number FROM dealer_service_visit WHERE dms_id = '{dms_id}'")


def test_the_same_push_twenty_times_at_once_is_one_visit_and_one_confirmation(odoo):
    phone, _email, _serial = new_customer()
    dms_id = f"APPT-{uuid.uuid4().hex[:10]}"
    answers = _push_all_at_once(odoo, [_appointment(phone, dms_id)] * PARALLEL)

    assert Counter(a.status for a in answers) == {201: 1, 200: PARALLEL - 1}, [
        (a.status, a.body[:200]) for a in answers]
    assert Counter(a.json["status"] for a in answers) == {"created": 1, "repeat": PARALLEL - 1}
    assert len(_visits(odoo, dms_id)) == 1
    odoo.poll(lambda: odoo.twilio.accepted_to(phone), timeout=60)
    odoo.run_sms_queue()
    assert len(odoo.twilio.requests_to(phone)) == 1


def test_twenty_different_pushes_of_one_id_at_once_update_one_visit(odoo):
    phone, _email, _serial = new_customer()
    dms_id = f"APPT-{uuid.uuid4().hex[:10]}"
    payloads = [_appointment(phone, dms_id, ro_number=f"RO-{n}") for n in range(PARALLEL)]
    answers = _push_all_at_once(odoo, payloads)

    assert {a.status for a in answers} <= {200, 201}, [(a.status, a.body[:200])
                                                       for a in answers]
    statuses = Counter(a.json["status"] for a in answers)
    assert statuses["created"] == 1
    assert statuses["updated"] == PARALLEL - 1
    visits = _visits(odoo, dms_id)
    assert len(visits) == 1
    assert {a.json["visit_id"] for a in answers} == {visits[0]["id"]}
