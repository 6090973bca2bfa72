from odoo import http
from odoo.http import request

from ..models.dealer_service_approval import APPROVAL_ROUTE

DECISIONS = {"approve": True, "decline": False}
# the page's words per customer language, written out like the customer texts (a French
# customer reads French whether or not the French translation is loaded)
PAGE_TEXTS = {
    "fr": {
        "heading": "Estimation pour votre",
        "vehicle": "véhicule",
        "approved_notice": ("Merci : les travaux sont approuvés. Nous vous "
                            "écrirons par texto quand votre véhicule sera prêt."),
        "declined_notice": ("C'est noté : les travaux sont "
                            "refusés. Votre véhicule sera prêt à récupérer."),
        "answered": "Cette estimation a déjà reçu une réponse.",
        "no_video": ("La vidéo en direct n'est pas disponible pour "
                     "le moment : répondez à notre texto ou appelez-nous."),
        "bad_decision": "Choisissez Approuver ou Refuser.",
        "approve": "Approuver les travaux",
        "decline": "Refuser",
        "show_me": "Montrez-moi en vidéo en direct",
        "show_me_help": "Voyez la pièce avec votre conseiller avant de décider.",
        "you_approved": "Vous avez approuvé cette estimation.",
        "you_declined": "Vous avez refusé cette estimation.",
        "expired": "Ce lien d'estimation est expiré : répondez à notre texto ou appelez-nous.",
        "invalid": "Ce lien d'estimation n'est pas valide.",
    },
    "en": {
        "heading": "Estimate for your",
        "vehicle": "vehicle",
        "approved_notice": ("Thank you: the work is approved. We "
                            "will text you when your vehicle is ready."),
        "declined_notice": "Noted: the work is declined. Your vehicle will be ready to pick up.",
        "answered": "This estimate was answered already.",
        "no_video": "Live video is not available right now: reply to our text or call us.",
        "bad_decision": "Choose Approve or Decline.",
        "approve": "Approve the work",
        "decline": "Decline",
        "show_me": "Show me on live video",
        "show_me_help": "See the part with your advisor before you decide.",
        "you_approved": "You approved this estimate.",
        "you_declined": "You declined this estimate.",
        "expired": "This estimate link expired: reply to our text or call us.",
        "invalid": "This estimate link is not valid.",
    },
}


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
        # sudo: the page renders what the token grants
        return request.env(su=True)

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
        page_lang = visit._dealer_customer_lang() if visit else "fr"
        values = dict(values, page_lang=page_lang, t=PAGE_TEXTS[page_lang])
        html = self._env(visit)["ir.qweb"]._render(template, values)
        return request.make_response(html, status=status, headers=[
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
            ("X-Robots-Tag", "noindex")])
