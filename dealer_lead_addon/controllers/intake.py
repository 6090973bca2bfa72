import json
import logging

from odoo import http
from odoo.http import request

from ..tools.concurrency import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

ACCEPTED_TYPES = ("application/xml", "text/xml", "application/x-adf+xml", "application/json",
                  "text/plain")
HARD_MAX_BYTES = 2 * 1024 * 1024
# HTTP status of a quarantined inquiry, by its reason code (default 422)
QUARANTINE_STATUS = {"payload_too_large": 413, "internal": 500}


class DealerLeadIntakeController(http.Controller):
    """``POST /dealer_lead/intake/<source code>``: ADF XML or JSON from a lead provider.

    Documented in ``docs/intake-api.md``. Answers 201 (lead created), 200 (repeat of a provider
    lead id, or attached to the customer's open lead), 4xx with a readable JSON reason; never a
    traceback.
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
            return self._answer(401, error="unauthorized",
                                message="Unknown source or missing/invalid bearer key.")
        content_type = (request.httprequest.mimetype or "").lower()
        if content_type not in ACCEPTED_TYPES:
            return self._answer(415, error="unsupported_media_type", message=(
                "Send ADF XML (application/xml) or JSON (application/json)."))
        length = request.httprequest.content_length or 0
        if length > HARD_MAX_BYTES:
            return self._answer(413, error="payload_too_large",
                                message="The body is larger than 2 MiB.")
        body = request.httprequest.get_data(cache=False)
        if not body.strip():
            return self._answer(400, error="empty_body", message="The body is empty.")
        # sudo: the bearer key of the source was verified above; intake runs as the gateway
        Intake = env["dealer.lead.intake"].sudo().with_company(source.company_id)
        intake, outcome = Intake._dealer_intake_http(source, body, content_type)
        lead_id = intake.lead_id.id or None
        if outcome == "created":
            return self._answer(201, status="created", lead_id=lead_id, intake_id=intake.id)
        if outcome in ("repeat", "attached"):
            return self._answer(200, status=outcome, lead_id=lead_id, intake_id=intake.id)
        status = QUARANTINE_STATUS.get(intake.reason_code, 422)
        return self._answer(status, error="quarantined", code=intake.reason_code,
                            message=intake.reason, intake_id=intake.id)

    def _authenticate(self, env, code):
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return env["dealer.lead.source"]._dealer_authenticate(code, key) or None

    def _answer(self, http_status, **payload):
        return request.make_response(
            json.dumps(payload), status=http_status,
            headers=[("Content-Type", "application/json; charset=utf-8")])
