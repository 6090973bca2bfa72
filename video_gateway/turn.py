"""ICE servers for the pages: STUN, and TURN with short-lived credentials.

TURN REST scheme (coturn ``use-auth-secret``): ``username = "<unix expiry>:<user>"`` and
``password = base64(HMAC-SHA1(static-auth-secret, username))``. The secret never leaves here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from .settings import Settings


def turn_credentials(secret: str, user: str, ttl: int, now: float) -> tuple[str, str]:
    username = f"{int(now) + ttl}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_servers(settings: Settings, room: str, role: str, now: float) -> list[dict[str, Any]]:
    """``RTCPeerConnection({iceServers})`` value for one party of one room."""
    servers: list[dict[str, Any]] = []
    if settings.stun_urls:
        servers.append({"urls": list(settings.stun_urls)})
    if settings.turn_urls:
        # the user part ties quotas (coturn user-quota) to one seat of one room
        username, credential = turn_credentials(
            settings.turn_secret, f"{room[:12]}-{role}", settings.turn_ttl, now)
        servers.append({"urls": list(settings.turn_urls), "username": username,
                        "credential": credential})
    return servers
