from odoo import http
from odoo.http import request

from ..models.dealer_service_approval import APPROVAL_ROUTE

DECISIONS = {"approve": True, "decline": False}


class DealerServiceApprovalController(http.Controller):
    """The customer's estimate page of a visit (``/dealer_lead/service/approve/<token>``): the
    texted token grants this one visit's estimate for 48 hours, nothing else. The customer
    approves or declines it, or asks to see the work on live video ("show me").

    The forms post without Odoo's CSRF token: the page's token in the URL is the only secret,
    and a forged post would need it. 404 for an unknown token, 410 for an expired one, 409 for
    an answer to an estimate answered already, 503 when live video is not available.
    """

    @http.route(APPROVAL_ROUTE + "<string:token>", type="http", auth="public",
                methods=["GET"], save_session=False)
    def estimate(self, token, **_kwargs):
        visit, refused = self._visit(token)
        return refused or self._page(visit, token)

    @http.route(APPROVAL_ROUTE + "<string:token>/answer", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def answer(self, token, decision=None, **_kwargs):
        visit, refused = self._visit(token)
        if refused:
            return refused
        if decision not in DECISIONS:
            return self._page(visit, token, status=400, notice="bad_decision")
        if not visit._dealer_record_approval(DECISIONS[decision], "page"):
            return self._page(visit, token, status=409, notice="answered")
        return self._page(visit, token, notice=decision)

    @http.route(APPROVAL_ROUTE + "<string:token>/video", type="http", auth="public",
                methods=["POST"], csrf=False, save_session=False)
    def show_me(self, token, **_kwargs):
        visit, refused = self._visit(token)
        if refused:
            return refused
        if visit.approval_state != "pending":
            return self._page(visit, token, status=409, notice="answered")
        url = visit._dealer_show_me()
        if not url:
            return self._page(visit, token, status=503, notice="no_video")
        return request.redirect(url, code=303, local=False)

    def _visit(self, token):
        """``(visit, None)``, or ``(None, refusal page)`` for an unknown or expired token."""
        visit = request.env["dealer.service.visit"]._dealer_visit_for_approval_token(token)
        if not visit:
            return None, self._refusal(404, "invalid")
        if not visit._dealer_approval_link_open():
            return None, self._refusal(410, "expired", visit)
        return visit, None

    def _env(self, visit=None):
        lang = (visit.partner_id.lang if visit else None) or "fr_CA"
        # sudo: the page renders what the token grants
        return request.env(context=dict(request.env.context, lang=lang), su=True)

    def _refusal(self, status, reason, visit=None):
        return self._render("dealer_lead_addon.service_estimate_refused",
                            {"reason": reason, "visit": visit}, status, visit)

    def _page(self, visit, token, status=200, notice=None):
        values = {"visit": visit, "notice": notice, "action": APPROVAL_ROUTE + token,
                  "lines": visit._dealer_estimate_line_list(),
                  "total": visit._dealer_estimate_display(),
                  "video": visit.env["dealer.video.session"]._dealer_video_configured()}
        return self._render("dealer_lead_addon.service_estimate_page", values, status, visit)

    def _render(self, template, values, status, visit):
        env = self._env(visit)
        values = dict(values, lang=(env.lang or "fr_CA")[:2])
        html = env["ir.qweb"]._render(template, values)
        return request.make_response(html, status=status, headers=[
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
            ("X-Robots-Tag", "noindex")])
