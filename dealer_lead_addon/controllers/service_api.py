import json
import logging

from odoo import fields, http
from odoo.http import request

from ..tools.concurrency import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
# the HTTP status of each refusal code; any other refusal of the content is 422
HTTP_STATUS = {
    "unauthorized": 401,
    "empty_body": 400,
    "malformed_json": 400,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "internal": 500,
}
ANSWER_STATUS = {"created": 201, "updated": 200, "unchanged": 200, "repeat": 200}


class DealerServiceApiController(http.Controller):
    """``POST /dealer_lead/service/<source code>``: appointments and status changes pushed by
    a dealer management system, documented in ``docs/service-api.md``.

    The DMS is a ``dealer.lead.source`` with its own bearer key (hashed at rest). Answers 201
    (new visit), 200 (updated, unchanged, or a repeat of a body already applied), 4xx with a
    stable code and a readable reason; never a traceback.
    """

    @http.route("/dealer_lead/service/<string:code>", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def push(self, code, **_kwargs):
        try:
            return self._push(code)
        except CONCURRENCY_ERRORS:
            raise  # Odoo retries the request; the retry sees the other push's visit
        except Exception:
            _logger.exception("Service DMS endpoint failed")
            return self._answer(500, error="internal", message=(
                "The push could not be processed; retry later."))

    def _push(self, code):
        env = request.env(user=request.env.ref("base.user_root").id)
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, key = header.partition(" ")
        source = env["dealer.lead.source"]._dealer_authenticate(code, key) if (
            scheme.lower() == "bearer") else None
        if not source:
            return self._refuse("unauthorized", "Unknown source or missing/invalid bearer key.")
        if (request.httprequest.content_length or 0) > MAX_BODY_BYTES:
            return self._refuse("payload_too_large", "The body is larger than 256 KiB.")
        if (request.httprequest.mimetype or "").lower() != "application/json":
            return self._refuse("unsupported_media_type",
                                "Send the push as application/json.")
        body = request.httprequest.get_data()[:MAX_BODY_BYTES + 1]
        if len(body) > MAX_BODY_BYTES:
            return self._refuse("payload_too_large", "The body is larger than 256 KiB.")
        if not body.strip():
            return self._refuse("empty_body", "The body is empty.")
        # sudo: the bearer key of the source was verified above; the push runs as the gateway
        Inbound = env["dealer.service.inbound"].sudo().with_company(source.company_id)
        inbound, outcome = Inbound._dealer_receive_push(source, body)
        if outcome in ANSWER_STATUS:
            return self._answer(ANSWER_STATUS[outcome], status=outcome,
                                visit_id=inbound.visit_id.id, push_id=inbound.id)
        error = inbound.reason_code or "refused"
        # the DMS reads English whatever the language of the dealership's managers
        return self._refuse(error, inbound._dealer_render_reason("en_US"), push_id=inbound.id)

    def _refuse(self, error, message, **payload):
        return self._answer(HTTP_STATUS.get(error, 422), error=error, message=message,
                            **payload)

    def _answer(self, http_status, **payload):
        return request.make_response(
            json.dumps(payload), status=http_status,
            headers=[("Content-Type", "application/json; charset=utf-8")])


class DealerServicePayController(http.Controller):
    """``GET /dealer_lead/service/pay/<token>``: the customer's payment link of a visit. Valid
    3 days and until paid; then Odoo's payment page for the visit's amount and reference."""

    @http.route("/dealer_lead/service/pay/<string:token>", type="http", auth="public",
                methods=["GET"], save_session=False)
    def pay(self, token, **_kwargs):
        Visit = request.env["dealer.service.visit"]
        visit = Visit._dealer_visit_for_payment_token(token)
        if not visit:
            return self._page(404, "This payment link is not valid (or it was paid already).",
                              "Ce lien de paiement n'est pas valide (ou il a déjà été payé).")
        if visit.payment_link_expires_at <= fields.Datetime.now():
            return self._page(410, "This payment link expired: ask us for a new one.",
                              "Ce lien de paiement est expiré : demandez-nous-en un nouveau.")
        return request.redirect(visit._dealer_payment_redirect(), local=True)

    def _page(self, status, english, french):
        body = f"<html><body><p>{french}</p><p>{english}</p></body></html>"
        return request.make_response(body, status=status,
                                     headers=[("Content-Type", "text/html; charset=utf-8")])
