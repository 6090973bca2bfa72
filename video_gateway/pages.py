"""Public pages: ``/join/<token>`` (customer or advisor, French or English) and static files.

The token is verified before anything is rendered; a page shows nothing of the lead beyond
what Odoo put in the token: the dealer's name and logo, first names, the advisor's photo and
the vehicle of interest's name. Templates are rendered with autoescape on.
"""

from __future__ import annotations

import email.utils
import http
import mimetypes
import urllib.parse
from pathlib import Path
from typing import Any

import jinja2
from websockets.datastructures import Headers
from websockets.http11 import Response

from .settings import Settings
from .tokens import TokenError, verify_join_token

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATE_DIR = PACKAGE_DIR / "templates"

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Appel vidéo en direct",
        "title_advisor": "Appel vidéo avec un client",
        "intro": "Vous allez parler en direct avec un conseiller de {dealer}.",
        "intro_advisor": "Appel vidéo en direct pour {dealer}.",
        "camera_ask": "Autorisez l'accès à la caméra et au micro pour commencer.",
        "camera_denied": "Caméra ou micro indisponible. Vérifiez les autorisations de votre "
                         "navigateur, puis rechargez la page.",
        "consent_question": "{dealer} enregistre les appels vidéo. Acceptez-vous que cet "
                            "appel soit enregistré?",
        "consent_label": "J'accepte que l'appel soit enregistré",
        "continue": "Continuer",
        "waiting": "Un conseiller va vous répondre. Merci de patienter…",
        "waiting_customer": "En attente du client…",
        "connecting": "Connexion…",
        "in_call": "En ligne avec {name}",
        "peer_away": "Connexion perdue avec votre interlocuteur, reconnexion…",
        "reconnecting": "Connexion perdue, reconnexion…",
        "no_answer": "Aucun conseiller n'est disponible pour le moment.",
        "book": "Être rappelé",
        "booked": "C'est noté : nous vous rappellerons.",
        "mute": "Couper le micro",
        "unmute": "Activer le micro",
        "camera_off": "Couper la caméra",
        "camera_on": "Activer la caméra",
        "hangup": "Raccrocher",
        "ended": "L'appel est terminé. Merci!",
        "recording": "Enregistrement en cours",
        "self_view": "Vous",
        "link_used": "Ce lien n'est plus valide (déjà utilisé ou expiré). Demandez un nouveau "
                     "lien au concessionnaire.",
        "room_taken": "Un autre conseiller a déjà pris cet appel.",
        "camera_muted": "Caméra coupée",
        "intro_customer": "Un conseiller de l'équipe {dealer} va vous parler en direct, en "
                          "vidéo.",
        "vehicle": "Véhicule\u00a0: {vehicle}",
        "join_hint": "Votre caméra et votre micro s'activent seulement quand vous touchez le "
                     "bouton. Vous pourrez vous voir avant d'entrer.",
        "preview": "Vérifier ma caméra",
        "preview_placeholder": "Votre image apparaîtra ici.",
        "preview_ready": "Voici votre image. Touchez «\u00a0Rejoindre\u00a0» quand vous êtes "
                         "prêt.",
        "join": "Rejoindre",
        "waiting_elapsed": "En attente depuis {elapsed}",
        "advisor_joining": "{name} se joint à l'appel…",
        "callback_pick": "Choisissez un moment pour qu'on vous rappelle\u00a0:",
        "today": "Aujourd'hui",
        "tomorrow": "Demain",
        "call_over": "Cet appel est terminé. Pour parler à un conseiller, demandez un nouveau "
                     "lien au concessionnaire.",
    },
    "en": {
        "title": "Live video call",
        "title_advisor": "Video call with a customer",
        "intro": "You are about to talk live with an advisor from {dealer}.",
        "intro_advisor": "Live video call for {dealer}.",
        "camera_ask": "Allow camera and microphone access to start.",
        "camera_denied": "Camera or microphone unavailable. Check your browser's permissions, "
                         "then reload the page.",
        "consent_question": "{dealer} records video calls. Do you agree to this call being "
                            "recorded?",
        "consent_label": "I agree to the call being recorded",
        "continue": "Continue",
        "waiting": "An advisor will be with you shortly. Please wait…",
        "waiting_customer": "Waiting for the customer…",
        "connecting": "Connecting…",
        "in_call": "On the line with {name}",
        "peer_away": "The other party lost their connection, reconnecting…",
        "reconnecting": "Connection lost, reconnecting…",
        "no_answer": "No advisor is available right now.",
        "book": "Call me back",
        "booked": "Got it: we will call you back.",
        "mute": "Mute",
        "unmute": "Unmute",
        "camera_off": "Camera off",
        "camera_on": "Camera on",
        "hangup": "Hang up",
        "ended": "The call has ended. Thank you!",
        "recording": "Recording",
        "self_view": "You",
        "link_used": "This link is no longer valid (already used or expired). Ask the "
                     "dealership for a new link.",
        "room_taken": "Another advisor already took this call.",
        "camera_muted": "Camera off",
        "intro_customer": "An advisor from {dealer} will talk with you live, on video.",
        "vehicle": "Vehicle: {vehicle}",
        "join_hint": "Your camera and microphone turn on only when you tap the button. You "
                     "will see yourself before you join.",
        "preview": "Check my camera",
        "preview_placeholder": "Your picture will appear here.",
        "preview_ready": "This is your picture. Tap \u201cJoin\u201d when you are ready.",
        "join": "Join",
        "waiting_elapsed": "Waiting for {elapsed}",
        "advisor_joining": "{name} is joining the call…",
        "callback_pick": "Pick a time for us to call you back:",
        "today": "Today",
        "tomorrow": "Tomorrow",
        "call_over": "This call is over. To talk with an advisor, ask the dealership for a new "
                     "link.",
    },
}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:{images}; "
       "media-src 'self' blob: mediastream:; connect-src 'self' ws: wss:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _image_origin(url: str) -> str:
    """' scheme://host[:port]' of an image URL of the token (the Odoo that minted it), or ''."""
    parts = urllib.parse.urlsplit(url)
    return f" {parts.scheme}://{parts.netloc}" if url and parts.netloc else ""


def _headers(content_type: str, length: int, cache: str, images: str = "") -> Headers:
    return Headers([
        ("Date", email.utils.formatdate(usegmt=True)),
        ("Connection", "close"),
        ("Content-Type", content_type),
        ("Content-Length", str(length)),
        ("Cache-Control", cache),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", CSP.format(images=images)),
        ("Permissions-Policy", "camera=(self), microphone=(self)"),
    ])


class Pages:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
            autoescape=jinja2.select_autoescape(("html",), default=True),
            undefined=jinja2.StrictUndefined)
        self._static = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def join_page(self, token: str, now: float) -> Response:
        try:
            claims = verify_join_token(token, self.settings.secret, now)
        except TokenError:
            body = self.render("invalid.html", strings=STRINGS).encode()
            return self._html(403, body)
        strings = STRINGS[claims.lang]
        advisor = claims.role == "advisor"
        dealer = claims.dealer
        intro = strings["intro_advisor" if advisor else "intro_customer"].replace(
            "{dealer}", dealer)
        config = {
            "role": claims.role, "lang": claims.lang, "record": claims.rec, "room": claims.room,
            "strings": {k: v.replace("{dealer}", dealer) for k, v in strings.items()},
        }
        body = self.render(
            "join.html", lang=claims.lang, role=claims.role, dealer=dealer,
            title=strings["title_advisor" if advisor else "title"], intro=intro,
            strings=strings, record=claims.rec, config=config, logo=claims.logo,
            vehicle=claims.vehicle,
            vehicle_line=strings["vehicle"].replace("{vehicle}", claims.vehicle),
            consent_question=strings["consent_question"].replace("{dealer}", dealer),
        ).encode()
        # the advisor's photo comes from the same Odoo as the dealer's logo
        return self._html(200, body, images=_image_origin(claims.logo))

    def static(self, name: str) -> Response:
        path = self._static.get(name)
        if path is None:
            body = b'{"error": "not found"}'
            return Response(404, "Not Found", _headers("application/json", len(body),
                                                       "no-store"), body)
        body = path.read_bytes()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        return Response(200, "OK", _headers(content_type, len(body), "public, max-age=300"),
                        body)

    def _html(self, status: int, body: bytes, images: str = "") -> Response:
        return Response(status, http.HTTPStatus(status).phrase,
                        _headers("text/html; charset=utf-8", len(body), "no-store", images),
                        body)
