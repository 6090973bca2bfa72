import itertools
import json
import re
from typing import ClassVar
from urllib.parse import parse_qsl

from requests import Response

from odoo.addons.dealer_lead_addon.tools.twilio_signature import twilio_signature

from .common_intake import DealerIntakeCommon

AUTH_TOKEN = "f3b2c1d0e9a8f7e6d5c4b3a2f1e0d9c8"
ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
DEALER_NUMBER = "+14385550100"
CUSTOMER = "+15145550123"  # Montreal (514): French by default
STRANGER = "+14165550199"  # Toronto, nobody we know

_sids = itertools.count(1)


def new_sid():
    return f"SM{next(_sids):032x}"


TWILIO_MESSAGES_RE = re.compile(r"https://api\.twilio\.com/2010-04-01/Accounts/(\w+)/Messages\.json")


class DealerTextingCommon(DealerIntakeCommon):
    """The Montreal dealership of ``DealerIntakeCommon`` on Twilio, with one French customer
    whose open lead belongs to Marc.

    Twilio's REST API is answered at the HTTP boundary (``_request_handler``) with its
    documented responses: 201 with a message resource, or the error JSON of
    ``twilio_errors[number]`` (e.g. 21610 for an unsubscribed recipient). The requests made
    are kept in ``twilio_requests``.
    """

    twilio_errors: ClassVar[dict] = {}
    twilio_requests: ClassVar[list] = []

    @staticmethod
    def _twilio_form(request):
        """The form fields of a request to Twilio's Messages API (From, To, Body...)."""
        body = request.body or ""
        return dict(parse_qsl(body.decode() if isinstance(body, bytes) else body))

    @classmethod
    def _request_handler(cls, session, request, **kwargs):
        match = TWILIO_MESSAGES_RE.match(request.url)
        if not match:
            return super()._request_handler(session, request, **kwargs)
        form = cls._twilio_form(request)
        cls.twilio_requests.append(form)
        response = Response()
        code = cls.twilio_errors.get(form.get("To"))
        if code:
            response.status_code = 400
            payload = {"code": code, "message": "Attempt to send to unsubscribed recipient"
                       if code == 21610 else "Error", "more_info":
                       f"https://www.twilio.com/docs/errors/{code}", "status": 400}
        else:
            response.status_code = 201
            payload = {"sid": f"SM{len(cls.twilio_requests):032x}", "status": "queued",
                       "to": form.get("To"), "from": form.get("From"),
                       "body": form.get("Body"), "error_code": None, "error_message": None,
                       "num_segments": "1", "direction": "outbound-api",
                       "account_sid": match.group(1)}
        response._content = json.dumps(payload).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def setUp(self):
        super().setUp()
        type(self).twilio_requests = []
        type(self).twilio_errors = {}

    def _sent_numbers(self):
        """Numbers of the texts handed to Twilio, in order."""
        return [r.get("To") for r in self.twilio_requests]

    def _twilio_bodies_to(self, number):
        """Bodies of the texts handed to Twilio for ``number``."""
        return [r["Body"] for r in self.twilio_requests if r.get("To") == number]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.sudo().write({
            "sms_provider": "twilio",
            "sms_twilio_account_sid": ACCOUNT_SID,
            "sms_twilio_auth_token": AUTH_TOKEN,
            "email": "ventes@autolaval.example",
            "phone": "+1 450-555-0100",
            "sms_twilio_number_ids": [(5, 0), (0, 0, {
                "country_id": cls.env.ref("base.ca").id, "number": DEALER_NUMBER,
                "dealer_team_id": cls.team.id})],
        })
        cls.customer_lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "RAV4 2025 - Sophie Tremblay", "contact_name": "Sophie Tremblay",
            "phone": CUSTOMER, "team_id": cls.team.id, "user_id": cls.sales_1.id,
            "lang_id": cls.env["res.lang"]._activate_lang("fr_CA").id,
        })

    @staticmethod
    def _params(body, sender=CUSTOMER, sid=None, **extra):
        """A Twilio "message comes in" request, as Twilio posts it."""
        sid = sid or new_sid()
        return {
            "ToCountry": "CA", "ToState": "QC", "SmsMessageSid": sid,
            "NumMedia": "0", "ToCity": "MONTREAL", "FromZip": "", "SmsSid": sid,
            "FromState": "QC", "SmsStatus": "received", "FromCity": "MONTREAL",
            "Body": body, "FromCountry": "CA", "To": DEALER_NUMBER, "ToZip": "",
            "NumSegments": "1", "MessageSid": sid, "AccountSid": ACCOUNT_SID,
            "From": sender, "ApiVersion": "2010-04-01", **extra,
        }

    def _receive(self, body, sender=CUSTOMER, sid=None, **extra):
        """What the webhook does once the signature is checked: keep, then process."""
        params = self._params(body, sender, sid, **extra)
        Inbound = self.env["dealer.sms.inbound"]
        inbound, is_new = Inbound._dealer_receive(params, Inbound._dealer_company_for(params))
        if is_new:
            inbound._dealer_process()
        return inbound

    @staticmethod
    def _sign(url, params, token=AUTH_TOKEN):
        return twilio_signature(token, url, params)

    def _texts_to(self, number):
        """Texts created for ``number`` (queued, sent or canceled)."""
        return self.env["sms.sms"].sudo().search([("number", "=", number)], order="id")

    def _blacklisted(self, number):
        return bool(self.env["phone.blacklist"].sudo().search([("number", "=", number)]))
