import hashlib
import json
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import ConcurrencyError
from odoo.tools import LazyTranslate

from ..tools.concurrency import read_committed_cursor, try_xact_locks
from .dealer_lead_intake import advisory_lock_id
from .dealer_service_visit import STATUSES

_lt = LazyTranslate(__name__)
VIN_CHARS = set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")  # no I, O, Q


class DmsError(Exception):
    """Bad input from the DMS: a stable code and its reason (a lazy translation, rendered
    for each reader)."""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class DealerServiceInbound(models.Model):
    """One push of a dealer management system (an appointment or a status change), kept
    exactly as sent before it is parsed; applied to the visit with the DMS's own id, or
    quarantined with a stable code."""

    _name = "dealer.service.inbound"
    _description = "DMS Push"
    _inherit = "dealer.raw.inbox.mixin"
    _order = "id desc"
    _rec_name = "dms_id"

    source_id = fields.Many2one("dealer.lead.source", string="DMS", required=True,
                                readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    raw_payload = fields.Text(readonly=True)
    payload_hash = fields.Char(readonly=True, index=True)
    dms_id = fields.Char(string="DMS Id", readonly=True, index="btree_not_null")
    visit_id = fields.Many2one("dealer.service.visit", readonly=True, index="btree_not_null")
    outcome = fields.Selection(
        [("created", "Created"), ("updated", "Updated"), ("unchanged", "Unchanged")],
        readonly=True)
    state = fields.Selection(selection_add=[("applied", "Applied")],
                             ondelete={"applied": "set default"})

    # ------------------------------------------------------------
    # Receiving
    # ------------------------------------------------------------

    @api.model
    def _dealer_receive_push(self, source, body):
        """Keep ``body`` (bytes) and apply it. The same body twice is a repeat.

        :return: ``(inbound, outcome)`` with outcome 'created', 'updated', 'unchanged',
            'repeat' or 'quarantined'
        """
        digest = hashlib.sha256(body).hexdigest()
        repeat = self.search([("source_id", "=", source.id), ("payload_hash", "=", digest),
                              ("state", "=", "applied")], limit=1)
        if repeat:
            repeat.attempt_count += 1
            return repeat, "repeat"
        inbound = self.with_context(mail_create_nolog=True).create({
            "source_id": source.id, "company_id": source.company_id.id,
            "raw_payload": body.decode("utf-8", "replace"), "payload_hash": digest,
        })
        inbound._dealer_inbox_process()
        return inbound, inbound.outcome if inbound.state == "applied" else "quarantined"

    def _dealer_inbox_process(self):
        self.ensure_one()
        try:
            push = self._dealer_parse(self.raw_payload)
        except DmsError as error:
            self.dms_id = self._dealer_id_of(self.raw_payload)
            self._dealer_inbox_quarantine(error.code, error.reason)
            return
        self.dms_id = push["id"]
        self._dealer_lock(push["id"])
        visit = self.env["dealer.service.visit"].search([
            ("source_id", "=", self.source_id.id), ("dms_id", "=", push["id"])], limit=1)
        try:
            if visit:
                outcome = self._dealer_update(visit, push)
            else:
                visit, outcome = self._dealer_create(push), "created"
        except DmsError as error:
            self._dealer_inbox_quarantine(error.code, error.reason)
            return
        self.write({"state": "applied", "visit_id": visit.id, "outcome": outcome})

    def _dealer_lock(self, dms_id):
        """Two pushes of one DMS id at once: the second waits, then Odoo retries it with a
        snapshot that sees the first one's visit."""
        lock_id = advisory_lock_id(f"dms:{self.source_id.id}:{dms_id}")
        if try_xact_locks(self.env.cr, [lock_id]) is not None:
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
            raise ConcurrencyError(f"DMS push {dms_id} received twice at the same time")
        with read_committed_cursor(self.env) as (cr, inline):
            if inline:
                return
            cr.execute("SELECT id FROM dealer_service_visit WHERE source_id = %s "
                       "AND dms_id = %s", [self.source_id.id, dms_id])
            committed = [row[0] for row in cr.fetchall()]
        if committed and not self.env["dealer.service.visit"].browse(committed).exists():
            raise ConcurrencyError(f"DMS visit {dms_id} committed after our snapshot")

    # ------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------

    @api.model
    def _dealer_id_of(self, raw):
        """The DMS id of a push that cannot be used, to find it in the quarantine."""
        try:
            data = json.loads(raw)
        except ValueError:
            return False
        dms_id = data.get("id") if isinstance(data, dict) else None
        return str(dms_id)[:64] if isinstance(dms_id, (str, int)) and dms_id != "" else False

    @api.model
    def _dealer_parse(self, raw):
        """The push as a dict of checked values, or :class:`DmsError`."""
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise DmsError("malformed_json", _lt(
                "The body is not valid JSON: %(error)s", error=str(error))) from error
        if not isinstance(data, dict):
            raise DmsError("not_an_object", _lt("The body must be a JSON object."))
        dms_id = data.get("id")
        if not isinstance(dms_id, (str, int)) or not str(dms_id).strip():
            raise DmsError("missing_id", _lt(
                "'id' (the appointment's id in the DMS) is required."))
        push = {"id": str(dms_id).strip()[:64]}
        if "status" in data:
            statuses = dict(STATUSES)
            if data["status"] not in statuses:
                raise DmsError("unknown_status", _lt(
                    "Unknown status %(status)r; expected one of: %(known)s.",
                    status=data["status"], known=", ".join(statuses)))
            push["status"] = data["status"]
        if data.get("appointment_at") is not None:
            push["appointment_at"] = self._dealer_parse_datetime(data["appointment_at"])
        for key in ("ro_number", "advisor_email", "description"):
            if data.get(key) is not None:
                push[key] = str(data[key]).strip()
        if data.get("customer") is not None:
            push["customer"] = self._dealer_parse_customer(data["customer"])
        if data.get("vehicle") is not None:
            push["vehicle"] = self._dealer_parse_vehicle(data["vehicle"])
        return push

    @api.model
    def _dealer_parse_datetime(self, value):
        """ISO 8601 with a UTC offset ('2026-12-02T14:00:00-05:00' or '...Z') -> naive UTC."""
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise DmsError("invalid_datetime", _lt(
                "'appointment_at' must be an ISO 8601 date and time with its UTC offset, "
                "e.g. 2026-12-02T14:00:00-05:00 (got %(value)r).", value=value))
        return moment.astimezone(UTC).replace(tzinfo=None)

    @api.model
    def _dealer_parse_customer(self, customer):
        if not isinstance(customer, dict):
            raise DmsError("invalid_customer", _lt("'customer' must be an object."))
        phone = self.env.company._dealer_e164(str(customer.get("phone") or ""))
        email = str(customer.get("email") or "").strip().lower()
        if not phone and "@" not in email:
            raise DmsError("no_contact", _lt(
                "The customer needs a valid phone number or e-mail address."))
        lang = str(customer.get("lang") or "fr").lower()
        return {"name": str(customer.get("name") or "").strip() or phone or email,
                "phone": phone or False, "email": email if "@" in email else False,
                "lang": "en_US" if lang.startswith("en") else "fr_CA"}

    @api.model
    def _dealer_parse_vehicle(self, vehicle):
        if not isinstance(vehicle, dict):
            raise DmsError("invalid_vehicle", _lt("'vehicle' must be an object."))
        vin = self.env["dealer.service.vehicle"]._normalise_vin(vehicle.get("vin"))
        if vin and (len(vin) != 17 or not set(vin) <= VIN_CHARS):
            raise DmsError("invalid_vin", _lt(
                "The VIN %(vin)r is not 17 characters of A-Z (no I, O, Q) and 0-9.", vin=vin))
        values = {"vin": vin, "make": str(vehicle.get("make") or "").strip() or False,
                  "model": str(vehicle.get("model") or "").strip() or False}
        for key in ("year", "mileage"):
            raw = vehicle.get(key)
            if raw in (None, ""):
                continue
            try:
                number = int(raw)
            except (TypeError, ValueError) as error:
                raise DmsError("invalid_vehicle", _lt(
                    "'vehicle.%(key)s' must be a whole number (got %(value)r).",
                    key=key, value=raw)) from error
            if number < 0 or (key == "year" and not 1900 <= number <= 2100):
                raise DmsError("invalid_vehicle", _lt(
                    "'vehicle.%(key)s' is out of range (got %(value)r).", key=key, value=raw))
            values[key] = number
        return values

    # ------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------

    def _dealer_create(self, push):
        if "customer" not in push:
            raise DmsError("missing_customer", _lt(
                "A new appointment needs its 'customer' (name, phone or e-mail)."))
        partner = self._dealer_partner(push["customer"])
        values = self._dealer_visit_values(push, partner)
        values.update({"source_id": self.source_id.id, "dms_id": push["id"],
                       "company_id": self.company_id.id, "partner_id": partner.id})
        values.setdefault("status", "booked")
        values.setdefault("team_id", self.env["dealer.service.team"].search(
            [("company_id", "=", self.company_id.id)], limit=1).id)
        values.setdefault("user_id", False)
        return self.env["dealer.service.visit"].create(values)

    def _dealer_update(self, visit, push):
        partner = self._dealer_partner(push["customer"]) if "customer" in push else (
            visit.partner_id)
        values = self._dealer_visit_values(push, partner)
        if partner != visit.partner_id:
            values["partner_id"] = partner.id
        changed = {key: value for key, value in values.items()
                   if visit._fields[key].convert_to_write(visit[key], visit) != value}
        if not changed:
            return "unchanged"
        visit.write(changed)
        return "updated"

    def _dealer_visit_values(self, push, partner):
        values = {key: push[key] for key in ("status", "appointment_at", "ro_number",
                                             "description") if key in push}
        if "vehicle" in push:
            vehicle = self._dealer_vehicle(push["vehicle"], partner)
            values["vehicle_id"] = vehicle.id
            if push["vehicle"].get("mileage"):
                values["mileage"] = push["vehicle"]["mileage"]
        if push.get("advisor_email"):
            advisor = self.env["res.users"].search([
                ("share", "=", False), "|", ("login", "=ilike", push["advisor_email"]),
                ("email", "=ilike", push["advisor_email"])], limit=1)
            if advisor:
                values["user_id"] = advisor.id
        return values

    def _dealer_partner(self, customer):
        Partner = self.env["res.partner"]
        partner = Partner.browse()
        if customer["phone"]:
            partner = Partner.search([("phone_sanitized", "=", customer["phone"])],
                                     order="id desc", limit=1)
        if not partner and customer["email"]:
            partner = Partner.search([("email_normalized", "=", customer["email"])],
                                     order="id desc", limit=1)
        if partner:
            return partner
        # sudo: a French customer needs French installed to be written French (French first)
        self.env["res.lang"].sudo()._activate_lang(customer["lang"])
        return Partner.create({"name": customer["name"], "phone": customer["phone"],
                               "email": customer["email"], "lang": customer["lang"]})

    def _dealer_vehicle(self, values, partner):
        Vehicle = self.env["dealer.service.vehicle"]
        vehicle = Vehicle.browse()
        if values.get("vin"):
            vehicle = Vehicle.search([("vin", "=", values["vin"]),
                                      ("company_id", "=", self.company_id.id)], limit=1)
        if not vehicle:
            vehicle = Vehicle.search([
                ("partner_id", "=", partner.id), ("vin", "=", False),
                ("make", "=", values.get("make")), ("model", "=", values.get("model")),
                ("year", "=", values.get("year") or 0)], limit=1)
        fresh = {key: value for key, value in values.items() if value}
        fresh["partner_id"] = partner.id
        if vehicle:
            if (values.get("mileage") or 0) < vehicle.mileage:
                fresh.pop("mileage", None)  # an odometer never goes back
            vehicle.write(fresh)
            return vehicle
        return Vehicle.create({**fresh, "company_id": self.company_id.id})
