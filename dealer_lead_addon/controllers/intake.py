import json
import logging
from urllib.parse import urlencode

from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from odoo import http
from odoo.http import request

from ..tools import inquiry as inquiry_tools
from ..tools.concurrency import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

BODY_KEY = "dealer_lead_addon.intake_body"
# what is read and dropped after the limit, so that the client sees the 413 instead of a reset
MAX_DISCARDED_BYTES = 16 * 1024 * 1024
# the HTTP status of each reason code; any other refusal of the content is 422
HTTP_STATUS = {
    "unauthorized": 401,
    "empty_body": 400,
    "unreadable_body": 400,
    "nul_byte": 400,
    "invalid_encoding": 400,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "unsupported_charset": 415,
    "internal": 500,
}
PROCESSING_FAILED = ("The inquiry was kept but could not be processed; the dealership was "
                     "notified.")


class DealerLeadIntakeController(http.Controller):
    """``POST /dealer_lead/intake/<source code>``: ADF XML or JSON from a lead provider.

    Documented in ``docs/intake-api.md``. Answers 201 (lead created), 200 (repeat of a provider
    lead id, or attached to the customer's open lead), 4xx with a stable error code and a
    readable reason; never a traceback. The HTTP status comes from the reason code.
    """

    @http.route("/dealer_lead/intake/<string:code>", type="http", auth="public", methods=["POST"],
                csrf=False, save_session=False)
    def intake(self, code, **_kwargs):
        try:
            return self._intake(code)
        except CONCURRENCY_ERRORS:
            raise  # Odoo retries the whole request; the retry sees the other worker's lead
        except Exception:
            _logger.exception("Lead intake endpoint failed")
            return self._answer(500, error="internal_error", message=(
                "The inquiry could not be processed; retry later."))

    def _intake(self, code):
        env = request.env(user=request.env.ref("base.user_root").id)
        source = self._authenticate(env, code)
        if not source:
            return self._refuse("unauthorized", "Unknown source or missing/invalid bearer key.")
        try:
            body, truncated = self._read_body()
        except (BadRequest, OSError):  # broken chunked encoding, interrupted upload
            return self._refuse("unreadable_body", "The body could not be read (broken chunked "
                                "encoding or interrupted upload).")
        content_type = (request.httprequest.mimetype or "").lower()
        if content_type == "application/x-www-form-urlencoded" and not body:
            # Odoo parsed the form (and spent the stream) before the route: keep it as sent
            body = urlencode(list(request.httprequest.form.items(multi=True))).encode()
        if not truncated and not body.strip() and content_type in inquiry_tools.ACCEPTED_TYPES:
            return self._refuse("empty_body", "The body is empty.")
        # sudo: the bearer key of the source was verified above; intake runs as the gateway
        Intake = env["dealer.lead.intake"].sudo().with_company(source.company_id)
        intake, outcome = Intake._dealer_intake_http(
            source, body, content_type, truncated=truncated,
            charset=request.httprequest.mimetype_params.get("charset"))
        lead_id = intake.lead_id.id or None
        if outcome == "created":
            return self._answer(201, status="created", lead_id=lead_id, intake_id=intake.id)
        if outcome in ("repeat", "attached"):
            return self._answer(200, status=outcome, lead_id=lead_id, intake_id=intake.id)
        error = intake.reason_code or "refused"
        # providers read English whatever the language of the dealership's managers
        message = PROCESSING_FAILED if error == "internal" else intake._dealer_render_reason(
            "en_US")
        return self._refuse(error, message, intake_id=intake.id)

    def _read_body(self):
        """``(bytes, truncated)``: at most ``MAX_BODY_BYTES`` of the body, whatever the
        headers announce (chunked bodies included), read once.

        Kept in the request's environ: when Odoo retries the request after a serialization
        failure, the stream is spent and the same bytes are used again.
        """
        environ = request.httprequest.environ
        if BODY_KEY not in environ:
            # Odoo's request wrapper does not expose Werkzeug's input stream (only get_data,
            # which reads everything): read it from the wrapped Werkzeug request
            werkzeug_request = request.httprequest._HTTPRequest__wrapped
            try:
                stream = werkzeug_request.stream
            except RequestEntityTooLarge:  # a Content-Length above Odoo's own maximum
                environ[BODY_KEY] = (b"", True)
            else:
                environ[BODY_KEY] = inquiry_tools.read_limited(
                    stream, inquiry_tools.MAX_BODY_BYTES)
                if environ[BODY_KEY][1]:
                    inquiry_tools.discard(stream, MAX_DISCARDED_BYTES)
        return environ[BODY_KEY]

    def _authenticate(self, env, code):
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return env["dealer.lead.source"]._dealer_authenticate(code, key) or None

    def _refuse(self, error, message, **payload):
        """A refusal: its status comes from its code, never from the message text."""
        return self._answer(HTTP_STATUS.get(error, 422), error=error, message=message, **payload)

    def _answer(self, http_status, **payload):
        return request.make_response(
            json.dumps(payload), status=http_status,
            headers=[("Content-Type", "application/json; charset=utf-8")])
