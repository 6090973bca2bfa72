import hmac
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models

from ..tools import video_token

# an expired short link still answers "expired" (410) for this long, then "unknown" (404)
EXPIRED_KEPT_DAYS = 30


class DealerVideoLink(models.Model):
    """A customer's short video link ``/v/<code>``: a text that carries the full join link
    (~500 characters) costs about ten SMS segments; the short link redirects to it.

    Only the SHA-256 of the code is stored, looked up by its unique index; the join token is
    not stored either: its payload is, and it is signed again (same payload, same token) when
    the link is opened. The link expires with its token."""

    _name = "dealer.video.link"
    _description = "Live Video Short Link"
    _order = "id desc"
    _rec_name = "session_id"

    session_id = fields.Many2one("dealer.video.session", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    code_hash = fields.Char(required=True, readonly=True, copy=False,
                            help="SHA-256 of the code of the link; the code is never stored.")
    expires_at = fields.Datetime(required=True, readonly=True)
    payload = fields.Json(readonly=True, copy=False,
                          help="Claims of the join token, signed again when the link is opened.")
    token_hash = fields.Char(readonly=True, copy=False,
                             help="SHA-256 of the join token: a new shared secret gives another "
                                  "token, and the link stops working like its token.")

    _code_hash_uniq = models.Constraint("UNIQUE(code_hash)", "A short link code must be unique.")

    @api.model
    def _dealer_create_for(self, session, payload):
        """A new short link to the join token of ``payload`` for ``session``.

        :return: the code (shown once, in the message being sent)
        """
        code = video_token.new_short_code()
        token = video_token.sign_join_payload(self._dealer_secret(), payload)
        # sudo: sending a message (possibly as OdooBot) records its link; nobody reads it back
        self.sudo().create({
            "session_id": session.id,
            "code_hash": video_token.sha256_hex(code),
            "expires_at": datetime.fromtimestamp(payload["exp"], UTC).replace(tzinfo=None),
            "payload": payload,
            "token_hash": video_token.sha256_hex(token),
        })
        return code

    @api.model
    def _dealer_secret(self):
        return self.env["dealer.video.session"]._dealer_param("video_secret") or ""

    @api.model
    def _dealer_resolve(self, code):
        """Where the short link ``code`` leads: ``("ok", join_url)``, ``("expired", link)``
        or ``("unknown", None)``. Never raises on any input."""
        if not isinstance(code, str) or not video_token.SHORT_CODE_RE.fullmatch(code):
            return "unknown", None
        # sudo: the code is the customer's credential; it grants this one link
        link = self.sudo().search(
            [("code_hash", "=", video_token.sha256_hex(code))], limit=1)
        if not link or not link.payload:
            return "unknown", None
        if link.expires_at <= fields.Datetime.now():
            return "expired", link
        base = (self.env["dealer.video.session"]._dealer_param("video_gateway_url") or "")
        secret = self._dealer_secret()
        if not secret or not base:
            return "unknown", None
        token = video_token.sign_join_payload(secret, link.payload)
        if not hmac.compare_digest(video_token.sha256_hex(token), link.token_hash or ""):
            return "unknown", None  # the shared secret changed: the token is no longer valid
        return "ok", f"{base.rstrip('/')}/join/{token}"

    def _dealer_lang(self):
        """The customer's page language carried by the link: 'fr' or 'en'."""
        self.ensure_one()
        return "en" if (self.payload or {}).get("lang") == "en" else "fr"

    @api.autovacuum
    def _gc_expired(self):
        limit = fields.Datetime.now() - timedelta(days=EXPIRED_KEPT_DAYS)
        self.search([("expires_at", "<", limit)]).unlink()
