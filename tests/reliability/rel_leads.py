"""Inquiries as lead providers send them, and the calls that deliver them."""

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from rel_odoo import http_request
from rel_twilio import twilio_signature

# every customer of the suite has a phone and an e-mail nobody else has (dedupe by phone/e-mail
# would otherwise attach one test's inquiry to another test's lead)
AREA_CODES = ("514", "438", "450", "418", "581", "819", "613", "416", "647", "905", "604",
              "403", "873", "367", "226", "519", "289", "343")
_numbers = (f"+1{area}555{n:04d}" for area in AREA_CODES for n in range(100, 200))
_lock = threading.Lock()
_serial = itertools.count(1)


def new_customer():
    """A customer no other test uses: ``(phone E.164, e-mail, serial)``."""
    with _lock:
        number, serial = next(_numbers), next(_serial)
    return number, f"client{serial}.{uuid.uuid4().hex[:6]}@example.com", serial


def json_inquiry(phone, email=None, provider_lead_id=None, **extra):
    customer = {"first_name": "Alex", "last_name": f"Client {phone[-4:]}",
                "phones": [{"number": phone, "type": "mobile"}], "language": "en",
                "comments": "Is it still available?"}
    if email:
        customer["email"] = email
    data = {
        "provider_lead_id": provider_lead_id or f"JS-{uuid.uuid4().hex[:12]}",
        "provider": {"name": "Reliability"},
        "customer": customer,
        "vehicles": [{"interest": "buy", "status": "new", "year": 2026, "make": "Mazda",
                      "model": "CX-5"}],
        **extra,
    }
    return json.dumps(data).encode(), "application/json"


def adf_inquiry(phone, email=None, provider_lead_id=None):
    ident = provider_lead_id or f"ADF-{uuid.uuid4().hex[:12]}"
    email_tag = f"<email>{escape(email)}</email>" if email else ""
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf>
  <prospect status="new">
    <id sequence="1" source="Reliability">{escape(ident)}</id>
    <vehicle interest="buy" status="used">
      <year>2023</year><make>Toyota</make><model>RAV4</model>
    </vehicle>
    <customer>
      <contact>
        <name part="first">Sam</name><name part="last">Client {phone[-4:]}</name>
        {email_tag}
        <phone type="cellphone">{escape(phone)}</phone>
      </contact>
      <comments>Is the RAV4 still available for a test drive?</comments>
    </customer>
    <vendor><vendorname>Auto Laval</vendorname></vendor>
    <provider><name part="full">Reliability</name></provider>
  </prospect>
</adf>
"""
    return body.encode(), "application/xml"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    answered_at: float  # time.monotonic() when the answer was read

    @property
    def json(self):
        return json.loads(self.body)

    def is_json(self):
        try:
            json.loads(self.body)
        except ValueError:
            return False
        return "json" in self.headers.get("Content-Type", "")


def post_intake(odoo, code, body, content_type, key=None, headers=None, timeout=120):
    """POST ``body`` to ``/dealer_lead/intake/<code>`` with the source's bearer key."""
    all_headers = {"Content-Type": content_type,
                   "Authorization": f"Bearer {key or odoo.api_keys[code]}", **(headers or {})}
    status, answer_headers, data = http_request(
        "POST", f"{odoo.url}/dealer_lead/intake/{code}", body, all_headers, timeout=timeout)
    return Answer(status, answer_headers, data, time.monotonic())


def inbound_params(odoo, body, sender, sid=None):
    sid = sid or f"SM{uuid.uuid4().hex}"
    return {
        "ToCountry": "CA", "ToState": "QC", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "MONTREAL", "FromZip": "", "SmsSid": sid, "FromState": "QC",
        "SmsStatus": "received", "FromCity": "MONTREAL", "Body": body, "FromCountry": "CA",
        "To": odoo.dealer_number, "ToZip": "", "NumSegments": "1", "MessageSid": sid,
        "AccountSid": odoo.account_sid, "From": sender, "ApiVersion": "2010-04-01",
    }


def post_inbound_text(odoo, body, sender, sid=None):
    """A Twilio "A message comes in" webhook, signed over the Public SMS Webhook URL."""
    params = inbound_params(odoo, body, sender, sid)
    signature = twilio_signature(odoo.auth_token, odoo.webhook_url, params)
    status, headers, data = http_request(
        "POST", f"{odoo.url}/dealer_lead/sms/inbound", urlencode(params), {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature})
    return Answer(status, headers, data, time.monotonic())
