import base64
import binascii
import json

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools.concurrency import CONCURRENCY_ERRORS

_lt = LazyTranslate(__name__)
OUTCOMES = ("completed", "no_answer", "customer_left", "advisor_left", "failed")


class MalformedEvent(ValueError):
    """The body of a signed callback cannot be used. Its argument is the reason, a lazy
    translation: English for the gateway, each manager's language on the quarantined event."""


class DealerVideoEvent(models.Model):
    """Raw log of the gateway's signed callbacks, one row per ``event_id``.

    The body is kept as received before it is parsed, so a malformed or failing event stays
    visible here. The gateway retries until it gets a 2xx: a replay of a processed event is
    answered 200 without changing anything; an event whose processing failed is processed again.
    """

    _name = "dealer.video.event"
    _description = "Live Video Gateway Event"
    _inherit = "dealer.raw.inbox.mixin"
    _order = "id desc"
    _rec_name = "event_type"

    event_id = fields.Char(string="Event ID", readonly=True, index="btree_not_null")
    event_type = fields.Char(string="Event", readonly=True)
    room = fields.Char(readonly=True)
    session_id = fields.Many2one("dealer.video.session", readonly=True,
                                 index="btree_not_null", ondelete="set null")
    lead_id = fields.Many2one(related="session_id.lead_id", string="Lead")
    raw_body = fields.Text(readonly=True)
    state = fields.Selection(
        selection_add=[("done", "Processed"), ("ignored", "Ignored")],
        ondelete={"done": "set default", "ignored": "set default"})
    attempt_count = fields.Integer(string="Deliveries")

    _event_id_uniq = models.Constraint(
        "UNIQUE(event_id)", "A gateway event is stored once per event id.")

    # ------------------------------------------------------------
    # Reception
    # ------------------------------------------------------------

    @api.model
    def _dealer_receive(self, raw_body):
        """Store and process one authentic (already signature-checked) callback body.

        :param bytes raw_body: the request body as received
        :return: ``(http_status, json_dict)`` for the gateway
        """
        text = raw_body.decode("utf-8", errors="replace")
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        event_id = data.get("event_id") if isinstance(data, dict) else None
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 128:
            event_id = None
        event = self.search([("event_id", "=", event_id)], limit=1) if event_id else self
        if event and not event._dealer_failed():
            event.attempt_count += 1
            if event.state == "quarantined":
                return 400, {"error": event._dealer_render_reason("en_US")}
            return 200, {"ok": True, "duplicate": True}
        if event:
            event.write({"attempt_count": event.attempt_count + 1, "raw_body": text})
        else:
            try:
                with self.env.cr.savepoint():
                    event = self.create(self._dealer_header_vals(data, event_id, text))
            except IntegrityError:  # the same event delivered twice at the same moment
                return 200, {"ok": True, "duplicate": True}
        return event._dealer_process(data)

    @api.model
    def _dealer_header_vals(self, data, event_id, text):
        data = data if isinstance(data, dict) else {}
        return {
            "event_id": event_id,
            "event_type": str(data.get("event") or "")[:64] or False,
            "room": str(data.get("room") or "")[:64] or False,
            "raw_body": text,
        }

    def _dealer_failed(self):
        """Quarantined by an error of ours (not by the gateway's body): a redelivery is
        processed again."""
        return self.state == "quarantined" and self.reason_code == "internal"

    def _dealer_process(self, data):
        self.ensure_one()
        try:
            session, handler, args = self._dealer_parse(data)
        except MalformedEvent as error:
            self._dealer_inbox_quarantine("malformed", error.args[0])
            # the gateway's contract reason, in English like the rest of the protocol
            return 400, {"error": self._dealer_render_reason("en_US")}
        if handler is None:
            self.write({"state": "ignored", **self._dealer_reason_vals(_lt("unknown event type"))})
            return 200, {"ok": True, "ignored": True}
        self.session_id = session
        try:
            with self.env.cr.savepoint():
                changed = handler(*args)
        except CONCURRENCY_ERRORS:
            raise
        except Exception:  # noqa: BLE001 kept, and the gateway retries
            self._dealer_inbox_internal_error()
            return 500, {"error": "processing failed, retry later"}
        self.write({"state": "done" if changed else "ignored", "reason_code": False,
                    **self._dealer_reason_vals(
                        False if changed else _lt("no change (late or repeated)"))})
        if changed and self.event_type == "session_ended" and session.recording_id:
            self._dealer_compact_recording(data, session.recording_id)
        return 200, {"ok": True}

    def _dealer_compact_recording(self, data, attachment):
        """Keep the raw body readable: the recording now lives in its attachment."""
        data["recording"]["data_base64"] = f"<ir.attachment {attachment.id}>"
        self.raw_body = json.dumps(data)

    # ------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------

    def _dealer_parse(self, data):
        """Validate ``data``: ``(session, handler, args)``, or raise :class:`MalformedEvent`.

        ``handler`` is None for an event type this version does not know (ignored, so that a
        newer gateway is not retried forever).
        """
        if not isinstance(data, dict):
            raise MalformedEvent(_lt("body is not a JSON object"))
        if not self.event_id:
            raise MalformedEvent(_lt("missing event_id"))
        for key in ("event", "room"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise MalformedEvent(_lt("missing %(key)s", key=key))
        lead_id = data.get("lead")
        if not isinstance(lead_id, int) or isinstance(lead_id, bool):
            raise MalformedEvent(_lt("missing lead"))
        at = self._dealer_datetime(data, "at", required=True)
        session = self.env["dealer.video.session"].search([("room", "=", data["room"])], limit=1)
        if not session or session.lead_id.id != lead_id:
            raise MalformedEvent(_lt("unknown room"))
        parser = getattr(self, f"_dealer_parse_{data['event']}", None)
        if parser is None:
            return session, None, ()
        return session, *parser(session, data, at)

    def _dealer_parse_customer_waiting(self, session, data, at):
        name = data.get("customer_name") or ""
        if not isinstance(name, str):
            raise MalformedEvent(_lt("customer_name must be a string"))
        consent = data.get("recording_consent", False)
        if not isinstance(consent, bool):
            raise MalformedEvent(_lt("recording_consent must be a boolean"))
        return session._dealer_on_customer_waiting, (at, name[:64], consent)

    def _dealer_parse_advisor_joined(self, session, data, at):
        advisor = self._dealer_advisor(data, required=True)
        return session._dealer_on_advisor_joined, (at, advisor)

    def _dealer_parse_no_answer(self, session, data, at):
        callback_at = self._dealer_datetime(data, "callback_time")
        return session._dealer_on_no_answer, (at, callback_at)

    def _dealer_parse_session_ended(self, session, data, at):
        advisor = self._dealer_advisor(data, required=False)
        duration = data.get("duration_seconds", 0)
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
            raise MalformedEvent(_lt("duration_seconds must be a non-negative integer"))
        outcome = data.get("outcome")
        if outcome not in OUTCOMES:
            raise MalformedEvent(_lt("unknown outcome"))
        vals = {
            "started_at": self._dealer_datetime(data, "started_at") or False,
            "ended_at": self._dealer_datetime(data, "ended_at") or at,
            "duration_seconds": duration,
            "outcome": outcome,
        }
        return session._dealer_on_session_ended, (vals, advisor, self._dealer_recording(data))

    def _dealer_datetime(self, data, key, required=False):
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise MalformedEvent(_lt("%(key)s must be an ISO-8601 date-time", key=key))
        try:
            return self.env["dealer.video.session"]._dealer_utc(value)
        except (ValueError, OverflowError):  # not a date, or out of the representable years
            raise MalformedEvent(_lt("%(key)s must be an ISO-8601 date-time", key=key)) from None

    def _dealer_advisor(self, data, required):
        advisor_id = data.get("advisor_id")
        if advisor_id is None and not required:
            return self.env["res.users"]
        if not isinstance(advisor_id, int) or isinstance(advisor_id, bool):
            raise MalformedEvent(_lt("advisor_id must be a user id"))
        advisor = self.env["res.users"].browse(advisor_id).exists()
        if not advisor or advisor.share:
            raise MalformedEvent(_lt("unknown advisor"))
        return advisor

    def _dealer_recording(self, data):
        recording = data.get("recording")
        if recording is None:
            return None
        if not isinstance(recording, dict) or not all(
                isinstance(recording.get(key), str) and recording[key]
                for key in ("filename", "mimetype", "data_base64")):
            raise MalformedEvent(_lt("recording needs filename, mimetype and data_base64"))
        if not recording["mimetype"].startswith(("video/", "audio/")):
            raise MalformedEvent(_lt("recording must be audio or video"))
        try:
            base64.b64decode(recording["data_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise MalformedEvent(_lt("recording data is not base64")) from None
        return recording

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _dealer_inbox_process(self):
        try:
            data = json.loads(self.raw_body or "")
        except ValueError:
            data = None
        self._dealer_process(data)
