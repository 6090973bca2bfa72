"""A failing provider (#11): Twilio answering 500s, timing out, or a worker dying mid-send. The
intake keeps answering at once, statuses tell the truth, and every text reaches the provider
exactly once when it recovers (a text that may have reached it is never sent again)."""

import os
import signal
import threading

import pytest
from rel_leads import json_inquiry, new_customer, post_intake


@pytest.fixture
def provider(odoo):
    """The stand-in, healthy again after each test."""
    yield odoo.twilio
    odoo.twilio.set_fault(None)
    odoo.twilio.release()
    odoo.twilio.hold_seconds = 15.0


def _ack_state(odoo, lead_id):
    return odoo.sql(f"SELECT dealer_ack_state FROM crm_lead WHERE id = {lead_id}")[0][
        "dealer_ack_state"]


@pytest.mark.parametrize("fault", ["500_json", "500_html"])
def test_provider_error_intake_answers_and_text_is_sent_once_after_recovery(odoo, provider, fault):
    twilio = provider
    twilio.set_fault(fault)
    phone, _email, _serial = new_customer()  # no e-mail: the text is the acknowledgement
    answer = post_intake(odoo, "web", *json_inquiry(phone))

    assert answer.status == 201, answer.body[:300]
    assert answer.is_json()
    lead_id = answer.json["lead_id"]
    assert odoo.poll(lambda: twilio.requests_to(phone), timeout=60), "no attempt to send"
    assert not twilio.accepted_to(phone)
    # while the provider fails, the acknowledgement is not shown as sent
    assert _ack_state(odoo, lead_id) != "sent"

    twilio.set_fault(None)
    requests = odoo.wait_delivered(phone)
    assert len([r for r in requests if r.accepted]) == 1, [(r.fault, r.status) for r in requests]
    assert odoo.poll(lambda: _ack_state(odoo, lead_id) == "sent", timeout=30)


def test_provider_timeout_intake_answers_first_and_maybe_sent_text_is_not_resent(odoo, provider):
    twilio = provider
    twilio.set_fault("slow")  # holds each request longer than sms_twilio's 5 s timeout
    phone, _email, _serial = new_customer()
    answer = post_intake(odoo, "web", *json_inquiry(phone))

    assert answer.status == 201, answer.body[:300]
    lead_id = answer.json["lead_id"]
    # the answer did not wait for the provider: no request to it had been given up yet
    assert all(r.abandoned_at is None or r.abandoned_at > answer.answered_at
               for r in twilio.requests_to(phone)), "the intake answer waited for Twilio"
    held = odoo.poll(lambda: [r for r in twilio.requests_to(phone) if r.abandoned_at],
                     timeout=60)
    assert len(held) == 1, twilio.requests_to(phone)
    assert _ack_state(odoo, lead_id) != "sent"

    twilio.set_fault(None)
    odoo.run_sms_queue()
    odoo.run_sms_queue()
    # Twilio may have sent it: never automatically again, shown as "maybe sent"
    assert len(twilio.requests_to(phone)) == 1
    texts = odoo.sql(f"SELECT state, failure_type FROM sms_sms WHERE number = '{phone}'")
    assert [t["failure_type"] for t in texts] == ["dealer_uncertain"], texts
    assert _ack_state(odoo, lead_id) != "sent"


def test_worker_killed_mid_send_does_not_block_the_queue(odoo, provider):
    twilio = provider
    twilio.hold_seconds = 60.0
    twilio.set_fault("slow")
    phone, _email, _serial = new_customer()
    answers = []
    sender = threading.Thread(target=lambda: answers.append(
        _post_quietly(odoo, phone)), daemon=True)
    sender.start()
    assert odoo.poll(lambda: twilio.requests_to(phone), timeout=60), "no attempt to send"
    pids = odoo.server.pids_connected_to(twilio.port)
    assert pids, "no Odoo worker holds the provider request"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    twilio.set_fault(None)
    twilio.release()
    sender.join(timeout=120)

    # the master replaces the worker; a new inquiry is acknowledged once
    other, _email, _serial = new_customer()
    answer = post_intake(odoo, "web", *json_inquiry(other))
    assert answer.status == 201, answer.body[:300]
    assert len([r for r in odoo.wait_delivered(other) if r.accepted]) == 1
    # the interrupted text may have reached Twilio: it is not sent again
    odoo.run_sms_queue()
    assert len(twilio.requests_to(phone)) == 1


def _post_quietly(odoo, phone):
    try:
        return post_intake(odoo, "web", *json_inquiry(phone))
    except OSError as error:  # the worker answering it may be the one killed
        return error


def test_delivery_report_signed_like_twilio_marks_the_text_delivered(odoo, provider):
    twilio = provider
    phone, _email, _serial = new_customer()
    answer = post_intake(odoo, "web", *json_inquiry(phone))
    assert answer.status == 201
    requests = odoo.wait_delivered(phone)
    assert len(requests) == 1
    uuid = requests[0].status_callback.rsplit("/", 1)[-1]

    def notification_status():
        rows = odoo.sql(f"""
            SELECT n.notification_status FROM sms_tracker t
              JOIN mail_notification n ON n.id = t.mail_notification_id
             WHERE t.sms_uuid = '{uuid}'""")
        return rows[0]["notification_status"] if rows else None

    assert notification_status() != "sent"  # handed to Twilio is not delivered
    status, body = twilio.send_status_callback(requests[0], "delivered")
    assert status == 200, body[:300]
    assert notification_status() == "sent"


def test_twilio_error_21610_records_the_opt_out_and_the_text_is_not_sent(odoo, provider):
    twilio = provider
    phone, _email, _serial = new_customer()
    twilio.error_numbers[phone] = 21610  # the customer texted STOP to Twilio directly
    try:
        answer = post_intake(odoo, "web", *json_inquiry(phone))
        assert answer.status == 201, answer.body[:300]
        assert odoo.poll(lambda: twilio.requests_to(phone), timeout=60), "no attempt to send"
        assert odoo.poll(lambda: odoo.sql(
            f"SELECT id FROM phone_blacklist WHERE number = '{phone}' AND active"), timeout=30)
        odoo.run_sms_queue()
        assert len(twilio.requests_to(phone)) == 1
        assert not twilio.accepted_to(phone)
        assert _ack_state(odoo, answer.json["lead_id"]) != "sent"
    finally:
        twilio.error_numbers.pop(phone, None)
