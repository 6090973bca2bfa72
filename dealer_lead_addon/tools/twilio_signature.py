"""Twilio webhook signatures (``X-Twilio-Signature``), as Twilio computes them.

Twilio signs the exact URL it called (scheme, host, port if any, path and query string)
followed by every POST parameter sorted by name, each name directly followed by its value,
with HMAC-SHA1 keyed by the account's auth token, base64-encoded.
See https://www.twilio.com/docs/usage/security#validating-requests.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def twilio_signature(auth_token, url, params):
    """The signature Twilio sends for a POST of ``params`` to ``url``.

    :param str auth_token: the account's auth token
    :param str url: the full URL Twilio called, query string included
    :param params: the form fields, as a mapping or a list of ``(name, value)`` pairs
        (a name given twice is signed once per value, values sorted)
    """
    pairs = params.items() if hasattr(params, "items") else params
    data = url + "".join(f"{name}{value}" for name, value in sorted(pairs))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def url_variants(url):
    """``url`` as given, and with its default port added or removed.

    Twilio signs the URL exactly as configured; a proxy may add or drop ``:443``, so both
    forms are tried (as Twilio's own helper libraries do).
    """
    parts = urlsplit(url)
    default = DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if not default or not host:
        return [url]
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    without_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}"))
    with_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}:{parts.port or default}"))
    if parts.port not in (None, default):
        return [url]
    return list(dict.fromkeys([url, without_port, with_port]))


def twilio_signature_valid(auth_token, signature, urls, params):
    """Whether ``signature`` signs ``params`` for one of ``urls``, compared in constant time.

    Every candidate is compared (no early exit), so the time taken does not depend on which
    candidate, or which byte, differs.
    """
    if not auth_token or not signature:
        return False
    given = signature.encode()
    valid = False
    for url in urls:
        for variant in url_variants(url):
            expected = twilio_signature(auth_token, variant, params).encode()
            valid |= hmac.compare_digest(expected, given)
    return valid
