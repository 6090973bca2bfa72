"""Join tokens (minted by Odoo) and resume tokens (minted here), both HS256 JWTs.

Verification is done with PyJWT: algorithm pinned to HS256, issuer, audience, expiry and the
claims the contract requires. The key is the shared secret's UTF-8 bytes (same as Odoo).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from typing import Any

import jwt

JOIN_ISSUER = "odoo"
JOIN_AUDIENCE = "dealer-video"
RESUME_ISSUER = "video-gateway"
RESUME_AUDIENCE = "dealer-video-resume"
ROLES = ("customer", "advisor")
LANGS = ("fr", "en")
ROOM_RE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
LEEWAY_SECONDS = 5
MAX_TOKEN_CHARS = 4096
IMAGE_URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[^\s\"'<>\\]*$")
MAX_JOIN_LIFETIME = 7 * 86400  # exp - iat of a join link (Odoo: video_link_hours <= 168)


class TokenError(ValueError):
    """The token is refused; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True, slots=True)
class JoinClaims:
    """What a verified token grants: one role in one room."""

    room: str
    role: str
    lead: int
    sub: str
    name: str
    dealer: str
    lang: str
    rec: bool
    jti: str
    exp: int
    iat: int = 0
    # resume tokens only: the room instance and seat they were issued for
    instance: str = ""
    seat: str = ""
    # optional display claims (minted by Odoo; shown on the pages, never trusted for access):
    # the vehicle of interest's name, the dealer's logo URL, the advisor's photo URL
    vehicle: str = ""
    logo: str = ""
    photo: str = ""
    # resume tokens only: the expiry of the customer's join link; while it holds, the resume
    # token reopens the room after a session that ended without a call (closed tab, no answer)
    link_exp: int = 0

    @property
    def advisor_id(self) -> int | None:
        return int(self.sub) if self.role == "advisor" and self.sub.isdigit() else None


def verify_join_token(token: str, secret: str, now: float | None = None) -> JoinClaims:
    """Claims of an Odoo join token, or :class:`TokenError` (signature, expiry, shape)."""
    payload = _decode(token, secret, JOIN_ISSUER, JOIN_AUDIENCE, now)
    if payload["exp"] - payload["iat"] > MAX_JOIN_LIFETIME:
        raise TokenError("lifetime_too_long")
    return _claims(payload)


def verify_resume_token(token: str, secret: str, now: float | None = None) -> JoinClaims:
    payload = _decode(token, secret, RESUME_ISSUER, RESUME_AUDIENCE, now)
    claims = _claims(payload, resume=True)
    if not claims.instance or not claims.seat:
        raise TokenError("malformed")
    return claims


def mint_resume_token(claims: JoinClaims, instance: str, seat: str, secret: str, ttl: int,
                      now: float | None = None) -> str:
    """A token the page keeps to rejoin its seat (drop, reload, reopened tab).

    It lives ``ttl`` seconds from now, whatever the join link's expiry (an advisor's 30-minute
    link must not cut a longer call), a customer's at least as long as their join link (it
    reopens a room that ended unanswered), and is only good for this room ``instance`` and
    seat (or, for a customer, the instance that follows it, see ``room.EndedRoom``).
    It carries no lead id: the page must not learn it (the room knows its lead).
    """
    issued = int(time.time() if now is None else now)
    link_exp = claims.link_exp if claims.instance else claims.exp
    expires = issued + ttl
    if claims.role == "customer":  # it reopens the room while the customer's link is valid
        expires = max(expires, link_exp)
    payload = {
        "iss": RESUME_ISSUER, "aud": RESUME_AUDIENCE, "iat": issued, "exp": expires,
        "jti": secrets.token_urlsafe(12), "room": claims.room, "role": claims.role,
        "sub": claims.sub, "name": claims.name, "dealer": claims.dealer,
        "lang": claims.lang, "rec": claims.rec, "instance": instance, "seat": seat,
        "link_exp": link_exp,
    }
    payload.update(_display_claims(claims))
    return jwt.encode(payload, secret.encode(), algorithm="HS256")


def mint_join_token(secret: str, *, room: str, role: str, lead: int = 1, sub: str = "customer",
                    name: str = "", dealer: str = "", lang: str = "fr", rec: bool = False,
                    ttl: int = 3600, now: float | None = None, jti: str | None = None,
                    **display: str) -> str:
    """Mint a token exactly as Odoo does (used by tests, benchmarks and local demos)."""
    issued = int(time.time() if now is None else now)
    payload = {
        "iss": JOIN_ISSUER, "aud": JOIN_AUDIENCE, "iat": issued, "exp": issued + ttl,
        "jti": jti or secrets.token_urlsafe(16), "room": room, "role": role, "lead": lead,
        "sub": sub, "name": name, "dealer": dealer, "lang": lang, "rec": rec,
    }
    payload.update({k: v for k, v in display.items() if k in ("vehicle", "logo", "photo")})
    return jwt.encode(payload, secret.encode(), algorithm="HS256")


def _decode(token: str, secret: str, issuer: str, audience: str,
            now: float | None) -> dict[str, Any]:
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise TokenError("malformed")
    options: dict[str, Any] = {"require": ["exp", "iat", "iss", "aud", "jti"]}
    if now is not None:  # an injected clock (tests): expiry is checked below against it
        options.update(verify_exp=False, verify_iat=False)
    try:
        payload = jwt.decode(
            token, secret.encode(), algorithms=["HS256"], audience=audience, issuer=issuer,
            options=options, leeway=LEEWAY_SECONDS)
    except jwt.ExpiredSignatureError:
        raise TokenError("expired") from None
    except jwt.InvalidSignatureError:
        raise TokenError("bad_signature") from None
    except jwt.InvalidTokenError:
        raise TokenError("malformed") from None
    if not isinstance(payload["exp"], int) or not isinstance(payload["iat"], int):
        raise TokenError("malformed")
    current = time.time() if now is None else now
    if now is not None and payload["exp"] + LEEWAY_SECONDS < now:
        raise TokenError("expired")
    if payload["iat"] > current + LEEWAY_SECONDS:
        raise TokenError("issued_in_future")
    return payload


def _claims(payload: dict[str, Any], resume: bool = False) -> JoinClaims:
    room, role, lead = payload.get("room"), payload.get("role"), payload.get("lead")
    if not isinstance(room, str) or not ROOM_RE.match(room):
        raise TokenError("malformed")
    if role not in ROLES:
        raise TokenError("malformed")
    if resume:
        lead = 0  # never in a resume token: the room it resumes knows its lead
    elif not isinstance(lead, int) or isinstance(lead, bool):
        raise TokenError("malformed")
    sub = str(payload.get("sub") or "")
    if role == "advisor" and not sub.isdigit():
        raise TokenError("malformed")
    lang = payload.get("lang") if payload.get("lang") in LANGS else "fr"
    return JoinClaims(
        room=room, role=role, lead=lead, sub=sub,
        name=str(payload.get("name") or "")[:64], dealer=str(payload.get("dealer") or "")[:128],
        lang=lang, rec=payload.get("rec") is True, jti=str(payload["jti"])[:128],
        exp=int(payload["exp"]), iat=int(payload["iat"]),
        instance=str(payload.get("instance") or ""),
        seat=str(payload.get("seat") or ""),
        vehicle=str(payload.get("vehicle") or "")[:128],
        logo=_image_url(payload.get("logo")), photo=_image_url(payload.get("photo")),
        link_exp=_int(payload.get("link_exp")) if resume else 0)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _image_url(value: Any) -> str:
    """An absolute http(s) URL of at most 512 characters, else '' (never a script URL)."""
    if not isinstance(value, str) or len(value) > 512 or not IMAGE_URL_RE.match(value):
        return ""
    return value


def _display_claims(claims: JoinClaims) -> dict[str, str]:
    return {key: value for key, value in (
        ("vehicle", claims.vehicle), ("logo", claims.logo), ("photo", claims.photo)) if value}
