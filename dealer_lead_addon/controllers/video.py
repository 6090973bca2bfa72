import logging

from markupsafe import Markup

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools import video_token

_logger = logging.getLogger(__name__)

# unix seconds have 10 digits until the year 2286
MAX_TIMESTAMP_DIGITS = 11


class DealerVideoController(http.Controller):
    """``POST /dealer_lead/video/event``: signed callbacks of the video gateway; the advisor's
    photo for the customer's page; the customer's short link ``/v/<code>``.

    Contract in ``docs/video-protocol.md`` and ``docs/video-odoo.md``: 403 on a missing/bad
    signature or a timestamp more than 300 s away, 400 on a timestamp that is not unix seconds
    or a malformed body, 200 ``{"ok": true}``
    otherwise (replays included), 500 when processing failed (the gateway retries).
    """

    @http.route("/dealer_lead/video/event", type="http", auth="public", methods=["POST"],
                csrf=False, save_session=False)
    def video_event(self, **_kwargs):
        raw_body = request.httprequest.get_data(cache=False)
        headers = request.httprequest.headers
        timestamp = headers.get("X-Dealer-Timestamp")
        if timestamp and not self._timestamp_readable(timestamp):
            _logger.warning("Video gateway callback refused: bad timestamp")
            return request.make_json_response({"error": "bad timestamp"}, status=400)
        secret = request.env["dealer.video.session"]._dealer_param("video_secret")
        refused = video_token.check_callback(
            secret, timestamp, headers.get("X-Dealer-Signature"),
            raw_body)
        if refused:
            _logger.warning("Video gateway callback refused: %s", refused)
            return request.make_json_response({"error": refused}, status=403)
        # sudo (as the superuser): the body is signed by the gateway, which holds the shared
        # secret; the public visitor of this route has no rights of their own
        Event = request.env["dealer.video.event"].with_user(SUPERUSER_ID)
        try:
            status, answer = Event._dealer_receive(raw_body)
        except Exception:
            _logger.exception("Video gateway callback failed")
            return request.make_json_response(
                {"error": "processing failed, retry later"}, status=500)
        return request.make_json_response(answer, status=status)

    @http.route("/dealer_lead/video/photo/<int:user_id>/<int:exp>/<string:signature>",
                type="http", auth="public", methods=["GET"], save_session=False)
    def advisor_photo(self, user_id, exp, signature, **_kwargs):
        """The advisor's photo for the customer's video page: the URL is minted in the advisor's
        join token and signed with the shared secret; it grants this one photo until ``exp``."""
        secret = request.env["dealer.video.session"]._dealer_param("video_secret")
        if not video_token.check_photo(secret, user_id, exp, signature):
            return request.make_json_response({"error": "invalid or expired link"}, status=403)
        # sudo: the signed URL grants this user's avatar and nothing else
        user = request.env["res.users"].sudo().browse(user_id).exists()
        if not user:
            return request.make_json_response({"error": "not found"}, status=404)
        stream = request.env["ir.binary"]._get_image_stream_from(user, "avatar_128")
        return stream.get_response(max_age=3600)

    @http.route("/v/<string:code>", type="http", auth="public", methods=["GET"],
                save_session=False, readonly=True)
    def short_link(self, code, **_kwargs):
        """The customer's short video link: a 302 to the gateway's join link while it is valid;
        else a readable page, 404 ``link_unknown`` or 410 ``link_expired``. The code is the only
        credential (72 random bits); the page says nothing about the lead."""
        status, target = request.env["dealer.video.link"]._dealer_resolve(code)
        if status == "ok":
            response = request.redirect(target, code=302, local=False)
        else:
            lang = target._dealer_lang() if status == "expired" else self._visitor_lang()
            response = self._short_link_page(status, lang)
        # the join link is a credential: no cache keeps it, no referrer carries it
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @staticmethod
    def _visitor_lang():
        """'en' when the browser prefers English to French, else 'fr' (French by default)."""
        best = request.httprequest.accept_languages.best_match(["fr", "en"], default="fr")
        return "en" if best == "en" else "fr"

    @staticmethod
    def _short_link_page(status, lang):
        error = "link_expired" if status == "expired" else "link_unknown"
        Lang = request.env["res.lang"]
        installed = [code for code, _name in Lang.get_installed()]
        prefix = "fr" if lang == "fr" else "en"
        candidates = [f"{prefix}_CA"] + [code for code in installed if code.startswith(prefix)]
        lang_code = next((code for code in candidates if code in installed), "en_US")
        html = request.env["ir.qweb"].with_context(lang=lang_code)._render(
            "dealer_lead_addon.video_short_link_page",
            {"error": error, "expired": status == "expired", "page_lang": prefix})
        return request.make_response(
            Markup("<!DOCTYPE html>\n") + html, status=410 if status == "expired" else 404,
            headers=[("Content-Type", "text/html; charset=utf-8"), ("X-Dealer-Error", error)])

    @staticmethod
    def _timestamp_readable(timestamp):
        """Unix seconds in ASCII digits, within the years a clock can be off by (a 400-digit
        number cannot be compared with the clock)."""
        return (timestamp.isascii() and timestamp.isdigit()
                and len(timestamp) <= MAX_TIMESTAMP_DIGITS)
