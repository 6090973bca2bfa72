from markupsafe import Markup, escape

from odoo import http
from odoo.http import request

# customer-facing words, written out per customer language like the customer templates
PAGES = {
    "fr": {
        "title": "Désabonnement",
        "ask": "Ne plus recevoir de courriels de %(company)s à l'adresse %(email)s?",
        "button": "Me désabonner",
        "done": "C'est fait : %(email)s ne recevra plus de courriels de %(company)s.",
        "forged": "Ce lien de désabonnement n'est pas valide.",
        "expired": "Ce lien de désabonnement a expiré. Répondez simplement au courriel pour "
                   "vous désabonner.",
    },
    "en": {
        "title": "Unsubscribe",
        "ask": "Stop receiving e-mails from %(company)s at %(email)s?",
        "button": "Unsubscribe me",
        "done": "Done: %(email)s will receive no more e-mails from %(company)s.",
        "forged": "This unsubscribe link is not valid.",
        "expired": "This unsubscribe link has expired. Simply reply to the e-mail to "
                   "unsubscribe.",
    },
}


class DealerUnsubscribeController(http.Controller):
    """``/dealer_lead/unsubscribe``: the link at the bottom of the addon's commercial e-mails.

    The link is signed (HMAC of the address and its expiry with the database secret) and valid
    90 days (CASL wants at least 60). GET shows a confirmation page and changes nothing, so a
    mail scanner following links unsubscribes nobody; POST (the button) opts the address out at
    once. A forged or expired link gets 403 with the reason and changes nothing.
    """

    @http.route("/dealer_lead/unsubscribe", type="http", auth="public", methods=["GET", "POST"],
                csrf=False, save_session=False)
    def unsubscribe(self, email=None, expires=None, token=None, lang=None, **_kwargs):
        words = PAGES["fr" if lang == "fr" else "en"]
        Consent = request.env["dealer.consent"]
        if not all((value or "").isascii() for value in (expires, token)):
            refusal = "forged"  # a signature and a timestamp are ASCII; anything else is forged
        else:
            refusal = Consent._dealer_unsubscribe_refusal(email, expires, token)
        if refusal:
            return self._page(words, escape(words[refusal]), status=403)
        values = {"email": escape(email), "company": escape(request.env.company.name)}
        if request.httprequest.method == "POST":
            Consent._dealer_opt_out_email(email, source=request.env._(
                "unsubscribe link"), lang="fr_CA" if lang == "fr" else "en_US")
            return self._page(words, escape(words["done"]) % values)
        form = Markup(
            '<form method="post"><input type="hidden" name="email" value="%s"/>'
            '<input type="hidden" name="expires" value="%s"/>'
            '<input type="hidden" name="token" value="%s"/>'
            '<input type="hidden" name="lang" value="%s"/>'
            '<button type="submit">%s</button></form>') % (
            email, expires, token, lang or "en", words["button"])
        return self._page(words, escape(words["ask"]) % values + form)

    def _page(self, words, body, status=200):
        html = Markup(
            '<!DOCTYPE html><html><head><meta charset="utf-8"/>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
            "<title>%s</title></head><body><h1>%s</h1><div>%s</div></body></html>") % (
            words["title"], words["title"], body)
        return request.make_response(html, status=status, headers=[
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
            ("X-Robots-Tag", "noindex")])
