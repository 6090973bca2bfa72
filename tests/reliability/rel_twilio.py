"""A Twilio stand-in at the HTTP boundary, so that Odoo's real ``sms_twilio`` client runs.

Odoo is started with ``HTTPS_PROXY`` pointing at :class:`TwilioStandIn`: ``requests`` opens
``CONNECT api.twilio.com:443`` through it, the stand-in answers 200, wraps the socket in TLS with
a certificate for ``api.twilio.com`` signed by a throw-away certificate authority (trusted by Odoo
through ``REQUESTS_CA_BUNDLE``), and then serves the Twilio Messages API itself:
``POST /2010-04-01/Accounts/{sid}/Messages.json`` with form fields ``From``, ``To``, ``Body``,
``StatusCallback``, basic auth with the account SID and auth token.

Every request is recorded (:class:`TwilioRequest`). Fault modes (``fault``) reproduce what a
failing provider does: ``500_json``, ``500_html``, ``slow`` (hold the request longer than
``sms_twilio``'s 5 s timeout, until the client gives up or ``release()``), ``reset`` (TCP reset);
``error_numbers`` answers a Twilio error code (e.g. 21610) for given recipients.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import itertools
import json
import select
import socket
import socketserver
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TWILIO_HOST = "api.twilio.com"
MESSAGES_PATH = "/2010-04-01/Accounts/{sid}/Messages.json"
ERROR_MESSAGES = {
    21610: "Attempt to send to unsubscribed recipient",
    21211: "Invalid 'To' Phone Number",
}
HTML_500 = (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
            b"<h1>Internal Server Error</h1><p>nginx</p></body></html>")


# ------------------------------------------------------------
# Certificates
# ------------------------------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder):
    """Write ``ca.pem`` (the authority to trust) and ``twilio.pem`` / ``twilio.key`` (the
    server certificate for api.twilio.com) into ``folder``; return their paths."""
    folder = Path(folder)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Dealer reliability test CA"))
        .issuer_name(_name("Dealer reliability test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(TWILIO_HOST))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(TWILIO_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": folder / "ca.pem", "cert": folder / "twilio.pem", "key": folder / "twilio.key"}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return paths


# ------------------------------------------------------------
# Signatures (https://www.twilio.com/docs/usage/security#validating-requests)
# ------------------------------------------------------------

def twilio_signature(auth_token, url, params):
    """HMAC-SHA1 over the URL followed by the sorted parameters, base64: Twilio's signature."""
    data = url + "".join(f"{name}{value}" for name, value in sorted(params.items()))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


# ------------------------------------------------------------
# The stand-in
# ------------------------------------------------------------

@dataclass
class TwilioRequest:
    """One request to the Messages API, as received."""

    received_at: float  # time.monotonic() of this (test) process
    to: str
    from_: str
    body: str
    status_callback: str
    fault: str | None
    status: int | None = None  # HTTP status answered, None if none (reset, client gave up)
    sid: str | None = None
    abandoned_at: float | None = None  # the client closed the connection before an answer
    answered_at: float | None = None

    @property
    def accepted(self):
        """Twilio accepted the message (it would reach the handset)."""
        return self.status == 201


@dataclass
class TwilioStandIn:
    account_sid: str
    auth_token: str
    cert_paths: dict
    hold_seconds: float = 15.0  # 'slow': longer than sms_twilio's 5 s timeout
    fault: str | None = None
    error_numbers: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    refused_auth: int = 0
    refused_connect: list = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._sids = itertools.count(1)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(self.cert_paths["cert"], self.cert_paths["key"])
        standin = self

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        class Handler(_ProxyHandler):
            owner = standin

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def proxy_url(self):
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()

    # -- controls used by the tests ---------------------------------------------------------

    def set_fault(self, fault):
        """None (healthy), '500_json', '500_html', 'slow' or 'reset'."""
        assert fault in (None, "500_json", "500_html", "slow", "reset"), fault
        self._release.clear()
        self.fault = fault

    def release(self):
        """Let the requests held by 'slow' be answered (201) now."""
        self._release.set()

    def requests_to(self, number):
        with self._lock:
            return [r for r in self.requests if r.to == number]

    def accepted_to(self, number):
        return [r for r in self.requests_to(number) if r.accepted]

    def send_status_callback(self, request, status="delivered", error_code=None):
        """POST a delivery report for ``request`` to its StatusCallback, signed like Twilio.

        :return: ``(http status, body)``
        """
        params = {
            "AccountSid": self.account_sid, "ApiVersion": "2010-04-01", "From": request.from_,
            "To": request.to, "MessageSid": request.sid, "SmsSid": request.sid,
            "MessageStatus": status, "SmsStatus": status,
        }
        if error_code:
            params["ErrorCode"] = str(error_code)
        url = request.status_callback
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("POST", parts.path, body=urlencode(params), headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio_signature(self.auth_token, url, params),
            })
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    # -- what the handler calls -------------------------------------------------------------

    def _record(self, request):
        with self._lock:
            self.requests.append(request)

    def _new_sid(self):
        return f"SM{next(self._sids):032x}"

    def _auth_ok(self, header):
        scheme, _sep, value = (header or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _sep, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            return False
        return hmac.compare_digest(user, self.account_sid) and hmac.compare_digest(
            password, self.auth_token)


class _ProxyHandler(BaseHTTPRequestHandler):
    """The proxy side: only ``CONNECT api.twilio.com:443`` is served, by the Twilio API."""

    owner: TwilioStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def do_CONNECT(self):
        host, _sep, port = self.path.partition(":")
        if host != TWILIO_HOST or port != "443":
            self.owner.refused_connect.append(self.path)
            self.send_error(403, "Only api.twilio.com is reachable from the tests")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = self.owner._tls.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        try:
            _TwilioApiHandler(tls, self.client_address, self.server, owner=self.owner)
        except OSError:
            pass
        self.close_connection = True


class _TwilioApiHandler(BaseHTTPRequestHandler):
    """The Messages API, inside the TLS tunnel."""

    protocol_version = "HTTP/1.1"

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def log_message(self, *_args):
        pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def _json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        owner = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        if self.path != MESSAGES_PATH.format(sid=owner.account_sid) or not owner._auth_ok(
                self.headers.get("Authorization")):
            owner.refused_auth += 1
            self._json(401, {"code": 20003, "message": "Authenticate", "more_info":
                             "https://www.twilio.com/docs/errors/20003", "status": 401})
            return
        request = TwilioRequest(
            received_at=time.monotonic(), to=form.get("To", ""), from_=form.get("From", ""),
            body=form.get("Body", ""), status_callback=form.get("StatusCallback", ""),
            fault=owner.fault)
        owner._record(request)
        fault = owner.fault
        if fault == "reset":
            self._reset()
            return
        if fault == "slow" and not self._hold(request):
            return
        if fault == "500_json":
            self._answer(request, 500, {"code": 20500, "message": "Internal Server Error",
                                        "more_info": "https://www.twilio.com/docs/errors/20500",
                                        "status": 500})
            return
        if fault == "500_html":
            request.status, request.answered_at = 500, time.monotonic()
            self.send_response(500)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(HTML_500)))
            self.end_headers()
            self.wfile.write(HTML_500)
            return
        code = owner.error_numbers.get(request.to)
        if code:
            self._answer(request, 400, {"code": code, "message": ERROR_MESSAGES.get(
                code, "Error"), "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": 400})
            return
        request.sid = owner._new_sid()
        now = format_datetime(datetime.datetime.now(datetime.UTC), usegmt=True)
        base = f"/2010-04-01/Accounts/{owner.account_sid}/Messages/{request.sid}"
        self._answer(request, 201, {
            "account_sid": owner.account_sid, "api_version": "2010-04-01",
            "body": request.body, "date_created": now, "date_sent": None, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": request.from_, "messaging_service_sid": None, "num_media": "0",
            "num_segments": "1", "price": None, "price_unit": "USD", "sid": request.sid,
            "status": "queued", "subresource_uris": {"media": f"{base}/Media.json"},
            "to": request.to, "uri": f"{base}.json",
        })

    def _answer(self, request, status, payload):
        request.status, request.answered_at = status, time.monotonic()
        self._json(status, payload)

    def _reset(self):
        """Close with a TCP reset (SO_LINGER 0), no answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw = socket.socket(fileno=self.connection.detach())
        raw.close()
        self.close_connection = True

    def _hold(self, request):
        """'slow': hold the request until released or ``hold_seconds``; record when the client
        gives up. Return whether to answer."""
        deadline = time.monotonic() + self.owner.hold_seconds
        while time.monotonic() < deadline and not self.owner._release.is_set():
            readable, _w, _x = select.select([self.connection], [], [], 0.1)
            if readable:
                try:
                    data = self.connection.recv(1)
                except (OSError, ssl.SSLError):
                    data = b""
                if not data:
                    request.abandoned_at = time.monotonic()
                    self.close_connection = True
                    return False
        return True
