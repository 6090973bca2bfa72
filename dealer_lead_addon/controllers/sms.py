import logging

from odoo import http
from odoo.http import request

from ..tools.twilio_signature import twilio_signature_valid

_logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_BODY_BYTES = 64 * 1024


class DealerSmsController(http.Controller):
    """``POST /dealer_lead/sms/inbound``: Twilio's "A message comes in" webhook.

    Documented in ``docs/sms-webhook.md``. Answers 403 to a missing or wrong
    ``X-Twilio-Signature`` (and changes nothing), 503 while the company's public webhook URL
    (the only URL signatures are checked against) is not configured, 400 to a request that is
    not a Twilio message, else 200 with an empty TwiML response (replies go out through the
    guarded send path, not through TwiML, so they are logged, opted-out numbers are honoured
    and nothing is sent twice).
    """

    @http.route("/dealer_lead/sms/inbound", type="http", auth="public", methods=["POST"],
                csrf=False, save_session=False)
    def inbound(self, **_kwargs):
        try:
            return self._inbound()
        except Exception:
            _logger.exception("Inbound SMS webhook failed")
            return self._text(500, "The message could not be processed; Twilio will retry.")

    def _inbound(self):
        if (request.httprequest.content_length or 0) > MAX_BODY_BYTES:
            return self._text(413, "The request is larger than 64 KiB.")
        form = request.httprequest.form
        params = form.to_dict()
        env = request.env(user=request.env.ref("base.user_root").id)
        Inbound = env["dealer.sms.inbound"]
        company = Inbound._dealer_company_for(params)
        # sudo: the public URL is configuration, read to check the signature
        if company and not company.sudo().dealer_sms_webhook_url:
            _logger.error(
                "Inbound SMS refused: set the Public SMS Webhook URL (CRM settings) of company "
                "%s to the URL configured in Twilio; signatures are checked against it only.",
                company.id)
            return self._text(503, "The public SMS webhook URL is not configured.")
        if not company or not self._signature_valid(company, form):
            _logger.warning("Inbound SMS: missing or invalid Twilio signature from %s",
                            request.httprequest.remote_addr)
            return self._text(403, "Missing or invalid X-Twilio-Signature.")
        if not (params.get("MessageSid") or params.get("SmsMessageSid")) or not params.get(
                "From"):
            return self._text(400, "Not a Twilio message: MessageSid and From are required.")
        inbound, is_new = Inbound.with_company(company)._dealer_receive(params, company)
        if is_new:
            inbound._dealer_process()
        return request.make_response(EMPTY_TWIML, headers=[("Content-Type", "text/xml")])

    def _signature_valid(self, company, form):
        """Twilio signs the URL it called: the configured public URL, never this request's URL
        (its host is whatever the caller put in the Host header) nor ``web.base.url`` (which
        changes when an administrator logs in from elsewhere)."""
        # sudo: the auth token is only read to check the signature
        company = company.sudo()
        return twilio_signature_valid(
            company.sms_twilio_auth_token,
            request.httprequest.headers.get("X-Twilio-Signature", ""),
            [company.dealer_sms_webhook_url],
            list(form.items(multi=True)),
        )

    def _text(self, status, message):
        return request.make_response(
            message, status=status, headers=[("Content-Type", "text/plain; charset=utf-8")])
