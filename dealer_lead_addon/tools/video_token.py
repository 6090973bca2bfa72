"""Join tokens for the video gateway and the signature of its callbacks.

Both use the secret Odoo shares with the gateway (ICP ``dealer_lead_addon.video_secret``, gateway
env ``GATEWAY_SECRET``), as raw UTF-8 bytes. See ``docs/video-protocol.md`` (the contract).
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import time

ISSUER = "odoo"
AUDIENCE = "dealer-video"
CALLBACK_WINDOW_SECONDS = 300
MIN_SECRET_BYTES = 32
# what a template renders for the customer's video link: the link itself is minted when the
# message is created for sending (a URL on the reserved .invalid domain, so that HTML
# sanitising and link handling keep it as it is)
VIDEO_LINK_PLACEHOLDER = "https://video-link.invalid/customer"
# the customer's short link ``/v/<code>``: 9 random bytes = 12 URL-safe characters = 72 bits
SHORT_CODE_BYTES = 9
SHORT_CODE_RE = re.compile(r"[A-Za-z0-9_-]{12}")


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
    payload = join_payload(claims, ttl_seconds)
    return sign_join_payload(secret, payload), payload["exp"]


def join_payload(claims, ttl_seconds):
    """The payload of a new join token: ``claims`` with issuer, audience, times and a jti."""
    now = int(time.time())
    return dict(claims, iss=ISSUER, aud=AUDIENCE, iat=now, exp=now + int(ttl_seconds),
                jti=secrets.token_urlsafe(16))


def _b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign_join_payload(secret, payload):
    """The HS256 JWT of ``payload``: the same payload always gives the same token (keys
    sorted: a ``jsonb`` column does not keep their order), so that a short link can give back
    its token without the token being stored."""
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    body = _b64url(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(signature)}"


def new_short_code():
    """A short link code: 12 URL-safe characters from 72 random bits."""
    return secrets.token_urlsafe(SHORT_CODE_BYTES)


def sha256_hex(value):
    """What is stored of a short link's code and token (hex SHA-256): never themselves."""
    return hashlib.sha256(value.encode()).hexdigest()


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
