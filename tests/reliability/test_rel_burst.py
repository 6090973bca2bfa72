"""A busy dealer: a burst of inquiries from several providers at once, on two workers."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from rel_leads import adf_inquiry, json_inquiry, new_customer, post_intake

BURST = 100
CLIENTS = 10


def _settle(odoo):
    """Let the queues run once more, as their crons would: nothing may be sent twice."""
    odoo.run_sms_queue()
    odoo.run_mail_queue()


def test_burst_of_100_leads_each_acknowledged_once_and_fairly_routed(odoo):
    customers = [new_customer() for _i in range(BURST)]
    payloads = [(json_inquiry if i % 2 else adf_inquiry)(phone, email)
                for i, (phone, email, _serial) in enumerate(customers)]
    log_start = odoo.log_offset()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(lambda p: post_intake(odoo, "burst", *p), payloads))

    statuses = Counter(answer.status for answer in answers)
    assert statuses == {201: BURST}, statuses
    assert all(answer.is_json() and answer.json.get("status") == "created"
               for answer in answers)
    source_id = odoo.ids["source_ids"]["burst"]
    phones = [phone for phone, _email, _serial in customers]
    emails = [email for _phone, email, _serial in customers]
    leads = odoo.sql(f"""
        SELECT id, phone_sanitized, user_id, dealer_ack_state FROM crm_lead
         WHERE dealer_source_id = {source_id}""")
    assert len(leads) == BURST
    assert sorted(lead["phone_sanitized"] for lead in leads) == sorted(phones)
    quarantined = odoo.sql(f"""
        SELECT id, reason_template AS reason FROM dealer_lead_intake
         WHERE source_id = {source_id} AND state = 'quarantined'""")
    assert quarantined == []

    # one acknowledgement text per lead reaches the provider, and no more
    twilio = odoo.twilio
    odoo.poll(lambda: all(twilio.accepted_to(phone) for phone in phones), timeout=120)
    odoo.poll(lambda: all(odoo.smtp.messages_to(email) for email in emails), timeout=60)
    _settle(odoo)
    texts = {phone: len(twilio.requests_to(phone)) for phone in phones}
    assert Counter(texts.values()) == {1: BURST}, {p: n for p, n in texts.items() if n != 1}
    assert all(len(twilio.accepted_to(phone)) == 1 for phone in phones)
    mails = {email: len(odoo.smtp.messages_to(email)) for email in emails}
    assert Counter(mails.values()) == {1: BURST}, {e: n for e, n in mails.items() if n != 1}

    # weighted round robin (1, 1, 2): each within one lead of their share
    weights = dict(zip(odoo.ids["burst_user_ids"], (1, 1, 2), strict=True))
    received = Counter(lead["user_id"] for lead in leads)
    for user_id, weight in weights.items():
        share = BURST * weight / sum(weights.values())
        assert abs(received[user_id] - share) <= 1, (received, weights)
    assert "Traceback" not in odoo.log_since(log_start)
