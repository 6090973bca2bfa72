import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import ClassVar
from unittest.mock import patch

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from odoo.addons.base.models.ir_cron import IrCron

from .common_texting import TWILIO_MESSAGES_RE, DealerTextingCommon

T0 = datetime(2026, 11, 24, 15, 0)  # Tuesday 10:00 in Montreal, the team is open


class DealerSendQueueCommon(DealerTextingCommon):
    """Twilio answering badly at the HTTP boundary, one scripted answer per request and number:

    * ``ok``: 201 with a message resource (the text is accepted: counted in ``accepted``),
    * ``500``: Twilio's JSON error with status 500, ``html500``: a proxy's HTML 500 page,
    * ``refused``: connection refused, ``connect_timeout``: no connection in time (never sent),
    * ``read_timeout``: Twilio accepts the text, its answer never comes back.

    Numbers without a script are answered ``ok``.
    """

    twilio_script: ClassVar[dict] = {}
    accepted: ClassVar[list] = []

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the customer inquired the day before: implied consent to be followed up (CASL), as
        # intake records it, so a salesperson's texts and e-mails may leave
        cls.env["dealer.consent"]._dealer_record(
            "implied_inquiry", ["sales"], phone=cls.customer_lead.phone,
            email="sophie@example.com", lead=cls.customer_lead, source="inquiry",
            at=T0 - timedelta(days=1))

    @classmethod
    def _request_handler(cls, session, request, **kwargs):
        match = TWILIO_MESSAGES_RE.match(request.url)
        if not match:
            return super()._request_handler(session, request, **kwargs)
        form = cls._twilio_form(request)
        number = form.get("To")
        script = cls.twilio_script.get(number) or []
        if not script and number in cls.twilio_errors:
            return super()._request_handler(session, request, **kwargs)
        answer = script.pop(0) if script else "ok"
        cls.twilio_requests.append(form)
        if answer == "refused":
            raise requests.exceptions.ConnectionError(MaxRetryError(
                None, request.url, NewConnectionError(None, "Connection refused")))
        if answer == "connect_timeout":
            raise requests.exceptions.ConnectTimeout("connect timed out")
        if answer in ("ok", "read_timeout"):
            cls.accepted.append(number)
            if answer == "read_timeout":
                raise requests.exceptions.ReadTimeout("read timed out")
            return cls._twilio_response(201, {
                "sid": f"SM{len(cls.twilio_requests):032x}", "status": "queued", "to": number,
                "body": form.get("Body"), "error_code": None, "account_sid": match.group(1)})
        if answer == "500":
            return cls._twilio_response(500, {
                "code": 20500, "message": "Internal Server Error", "status": 500})
        if answer == "html500":
            response = requests.Response()
            response.status_code = 500
            response._content = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
            response.headers["Content-Type"] = "text/html"
            return response
        raise AssertionError(f"unknown scripted answer {answer}")

    @staticmethod
    def _twilio_response(status, payload):
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(payload).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def setUp(self):
        super().setUp()
        type(self).twilio_script = {}
        type(self).accepted = []

    @contextmanager
    def _no_commit(self):
        with patch.object(IrCron, "_commit_progress", lambda self, *a, **k: float("inf")):
            yield

    def _run_sms_queue(self, at):
        """One run of the SMS queue cron at ``at``."""
        with self._frozen(at), self._no_commit():
            self.env["sms.sms"].sudo()._process_queue()
        self.env.invalidate_all()

    def _queue_text(self, number, body="Bonjour", purpose="service", lead=None):
        with self._frozen(T0):
            return self.env["dealer.outbound"]._send_sms(
                lead or self.customer_lead, body, purpose=purpose, number=number)
