"""A minimal SMTP sink (RFC 5321 subset that ``smtplib`` speaks): records each message."""

import socketserver
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes, policy


@dataclass
class SmtpMessage:
    received_at: float  # time.monotonic()
    mail_from: str
    rcpt_to: list
    to: str
    subject: str
    message_id: str
    raw: bytes


class _SmtpHandler(socketserver.StreamRequestHandler):
    sink: "SmtpSink"

    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._reply("220 sink.test ESMTP ready")
        mail_from, rcpts = "", []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                                 b"250 SIZE 52428800\r\n")
            elif verb == "HELO":
                self._reply("250 sink.test")
            elif verb == "MAIL":
                mail_from, rcpts = command.partition(":")[2].strip(), []
                self._reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(command.partition(":")[2].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self.sink._store(mail_from, rcpts, self._read_data())
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _read_data(self):
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class SmtpSink:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        sink = self

        class Handler(_SmtpHandler):
            pass

        Handler.sink = sink

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _store(self, mail_from, rcpts, raw):
        message = message_from_bytes(raw, policy=policy.default)
        with self._lock:
            self.messages.append(SmtpMessage(
                received_at=time.monotonic(), mail_from=mail_from, rcpt_to=list(rcpts),
                to=str(message.get("To", "")), subject=str(message.get("Subject", "")),
                message_id=str(message.get("Message-Id", "")), raw=raw))

    def messages_to(self, address):
        address = address.lower()
        with self._lock:
            return [m for m in self.messages if address in (r.lower() for r in m.rcpt_to)]

    def close(self):
        self._server.shutdown()
        self._server.server_close()
