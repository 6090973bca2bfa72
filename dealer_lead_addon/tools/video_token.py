"""Join tokens for the video gateway and the signature of its callbacks.

Both use the secret Odoo shares with the gateway (ICP ``dealer_lead_addon.video_secret``, gateway
env ``GATEWAY_SECRET``), as raw UTF-8 bytes. See ``docs/video-protocol.md`` (the contract).
"""

import base64
import hashlib
import hmac
import secrets
import time

from odoo.addons.mail.tools import jwt

ISSUER = "odoo"
AUDIENCE = "dealer-video"
CALLBACK_WINDOW_SECONDS = 300
MIN_SECRET_BYTES = 32
# what a template renders for the customer's video link: the link itself is minted when the
# message is created for sending (a URL on the reserved .invalid domain, so that HTML
# sanitising and link handling keep it as it is)
VIDEO_LINK_PLACEHOLDER = "https://video-link.invalid/customer"


def new_room_id():
    """An opaque room id: 32 urlsafe characters (192 random bits), unrelated to any record."""
    return secrets.token_urlsafe(24)


def mint_join_token(secret, claims, ttl_seconds):
    """HS256 JWT for the gateway's join page.

    :param str secret: the shared secret
    :param dict claims: room, role, lead, sub, name, dealer, lang, rec
    :param int ttl_seconds: lifetime; ``exp`` = now + ttl
    :return: ``(token, exp)`` with ``exp`` in unix seconds
    """
    now = int(time.time())
    payload = dict(claims, iss=ISSUER, aud=AUDIENCE, iat=now, jti=secrets.token_urlsafe(16))
    # Odoo's helper takes the key base64-encoded and decodes it back to these exact bytes
    key = base64.urlsafe_b64encode(secret.encode()).decode()
    token = jwt.sign(payload, key, ttl_seconds, jwt.Algorithm.HS256)
    return token, payload["exp"]


def photo_signature(secret, user_id, exp):
    """Hex HMAC-SHA256 granting the public photo route one user's photo until ``exp``."""
    message = f"photo:{int(user_id)}:{int(exp)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_photo(secret, user_id, exp, signature, now=None):
    """True when ``signature`` grants ``user_id``'s photo and ``exp`` has not passed."""
    if not secret or len(secret.encode()) < MIN_SECRET_BYTES:
        return False
    if exp < (time.time() if now is None else now):
        return False
    expected = photo_signature(secret, user_id, exp)
    return hmac.compare_digest(expected.encode(), (signature or "").lower().encode())


def callback_signature(secret, timestamp, raw_body):
    """Hex HMAC-SHA256 of ``f"{timestamp}.{raw_body}"`` keyed with the shared secret."""
    message = str(timestamp).encode() + b"." + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_callback(secret, timestamp, signature, raw_body, now=None):
    """Why a gateway callback must be refused, or ``None`` when it is authentic and fresh.

    :param str timestamp: ``X-Dealer-Timestamp`` header (unix seconds)
    :param str signature: ``X-Dealer-Signature`` header (hex)
    :param bytes raw_body: the request body exactly as received
    """
    if not secret or len(secret.encode()) < MIN_SECRET_BYTES:
        return "video gateway secret not configured"
    if not timestamp or not signature:
        return "missing signature"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "bad timestamp"
    now = time.time() if now is None else now
    if abs(now - sent_at) > CALLBACK_WINDOW_SECONDS:
        return "stale timestamp"
    expected = callback_signature(secret, timestamp, raw_body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        return "bad signature"
    return None
