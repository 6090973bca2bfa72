import json
import logging
import re
from types import SimpleNamespace

from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import email_normalize, html2plaintext, plaintext2html

from odoo.addons.phone_validation.tools import phone_validation

from ..tools import adf

_logger = logging.getLogger(__name__)

QUEBEC_AREA_CODES = {"263", "354", "367", "418", "438", "450", "468", "514", "579", "581", "819",
                     "873"}
FRENCH_WORDS = {"le", "la", "les", "je", "un", "une", "des", "du", "pour", "est", "vous", "bonjour",
                "merci", "avec", "voiture", "essai", "veux", "voudrais", "aimerais", "disponible",
                "rendez-vous", "prix", "svp", "et", "mon", "ma", "mes", "pas", "sur", "cette"}
ENGLISH_WORDS = {"the", "and", "i", "is", "for", "you", "hello", "hi", "thanks", "with", "car",
                 "test", "drive", "want", "would", "like", "available", "price", "please", "my",
                 "this", "not", "on", "can"}
INTAKE_STATES = [
    ("received", "Received"),
    ("quarantined", "Quarantined"),
    ("attached", "Attached to Lead"),
    ("created", "Lead Created"),
]


class IntakeRefused(Exception):
    """The inquiry cannot become a lead; the message is the (translated) reason.

    ``payload``: a cleaner payload to show the manager (e.g. the unescaped ADF block).
    """

    def __init__(self, message, payload=None):
        super().__init__(message)
        self.payload = payload


class DealerLeadIntake(models.Model):
    """One inquiry as received, kept before anything is parsed.

    Every channel (ADF e-mail, plain e-mail, HTTP API, website form, manual entry) creates one of
    these first, then runs the same steps: parse -> dedupe -> create or attach -> route ->
    acknowledge (after commit) -> start the SLA. What cannot be processed stays here, quarantined
    with its reason, until a manager fixes it and clicks Retry.
    """

    _name = "dealer.lead.intake"
    _description = "Lead Intake"
    _inherit = "mail.thread"
    _order = "id desc"
    _rec_name = "name"

    name = fields.Char(required=True, default="/", readonly=True)
    channel = fields.Selection(
        [("email", "E-mail"), ("http", "HTTP API"), ("web", "Website Form"),
         ("manual", "Manual"), ("sms", "Text Message")], required=True, readonly=True)
    state = fields.Selection(
        INTAKE_STATES, required=True, default="received", readonly=True, index=True)
    reason = fields.Text(readonly=True, help="Why the inquiry is quarantined.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    source_id = fields.Many2one("dealer.lead.source", string="Source", index=True)
    provider_lead_id = fields.Char(
        string="Provider Lead ID", readonly=True, index="btree_not_null",
        help="Only set on the intake that created the lead: a repeat of the same id is "
             "attached, never created twice.")
    provider_ref = fields.Char(
        string="Provider Reference", readonly=True,
        help="Provider lead id as read from this inquiry.")
    lead_id = fields.Many2one("crm.lead", string="Lead", readonly=True, index="btree_not_null")
    content_type = fields.Char(readonly=True)
    email_from = fields.Char(readonly=True)
    message_ref = fields.Char(string="Message-Id", readonly=True)
    raw_payload = fields.Text(
        readonly=True, help="The inquiry exactly as received (e-mail source, request body).")
    payload = fields.Text(
        help="The part of the inquiry the parser reads (the ADF document, the JSON body, the "
             "e-mail text). Fix it here and click Retry.")
    custom_values = fields.Json(readonly=True)
    parsed_data = fields.Json(readonly=True)
    field_origin = fields.Json(
        string="Field Origin", readonly=True, help="Where each lead field came from.")
    extras = fields.Json(readonly=True, help="Tags the parser does not map, kept as received.")
    received_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)

    _provider_lead_uniq = models.UniqueIndex(
        "(source_id, provider_lead_id) WHERE provider_lead_id IS NOT NULL",
        "This provider lead id was already received from this source.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code(
                    "dealer.lead.intake") or "/"
        return super().create(vals_list)

    # ------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------

    @api.model
    def _dealer_intake_email(self, msg_dict, custom_values=None):
        """Mail-gateway channel (``crm.lead.message_new``).

        :return: the record the gateway posts the e-mail on: the new lead, the existing lead a
            duplicate was attached to, or the quarantined intake itself
        """
        raw = self.env.context.get("dealer_raw_email")
        source = self.env["dealer.lead.source"]._dealer_match_email(msg_dict.get("email_from"))
        intake = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create({
            "channel": "email",
            "source_id": source.id,
            "company_id": (source.company_id or self.env.company).id,
            "email_from": msg_dict.get("email_from"),
            "message_ref": msg_dict.get("message_id"),
            "raw_payload": raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw,
            "payload": self._dealer_email_payload(msg_dict),
            "content_type": "message/rfc822",
            "custom_values": custom_values or {},
        })
        if not adf.find_adf(intake.payload or ""):
            return intake._dealer_process_plain_email(msg_dict, custom_values)
        intake._dealer_process()
        return intake.lead_id or intake

    @api.model
    def _dealer_email_payload(self, msg_dict):
        """The text to parse: an ADF attachment (.xml/.adf) first, else the body."""
        for attachment in msg_dict.get("attachments") or []:
            fname = (attachment.fname or "").lower()
            content = attachment.content
            if isinstance(content, bytes):
                content = content.decode("utf-8", "replace")
            looks_adf = fname.endswith((".xml", ".adf")) or "<adf" in (content or "").lower()
            if looks_adf and adf.find_adf(content):
                return content
        return msg_dict.get("body") or ""

    @api.model
    def _dealer_intake_http(self, source, body, content_type):
        """HTTP channel.

        :return: ``(intake, outcome)`` with outcome 'created', 'attached', 'repeat' or
            'quarantined'
        """
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        intake = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create({
            "channel": "http",
            "source_id": source.id,
            "company_id": source.company_id.id,
            "raw_payload": text,
            "payload": text,
            "content_type": content_type,
        })
        if len(body) > (source.max_payload_kb or 512) * 1024:
            intake._dealer_quarantine(self.env._(
                "The payload is larger than %(size)s KiB.", size=source.max_payload_kb or 512))
            return intake, "quarantined"
        return intake, intake._dealer_process()

    @api.model
    def _dealer_intake_created_leads(self, leads, channel):
        """Website form and manual channel: the lead exists already; keep the inquiry and run
        routing, acknowledgement and the SLA like every other channel."""
        leads = leads.filtered(lambda lead: lead.active and lead.type)
        if not leads:
            return
        self.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create([{
            "channel": channel,
            "state": "created",
            "lead_id": lead.id,
            "company_id": (lead.company_id or self.env.company).id,
            "email_from": lead.email_from,
            "raw_payload": json.dumps({
                "name": lead.name, "contact_name": lead.contact_name,
                "email_from": lead.email_from, "phone": lead.phone,
                "description": html2plaintext(lead.description or ""),
            }, ensure_ascii=False),
        } for lead in leads])
        # a salesperson who creates or assigns the lead keeps it; website leads are routed
        to_route = leads if channel == "web" else leads.filtered(lambda lead: not lead.user_id)
        for lead in to_route:
            lead._dealer_route()
        leads._dealer_after_intake(channel, routed=True)

    # ------------------------------------------------------------
    # Pipeline
    # ------------------------------------------------------------

    def _dealer_process(self):
        """parse -> dedupe -> create or attach -> route -> acknowledge; never raises.

        :return: 'created', 'attached', 'repeat' or 'quarantined'
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                inquiry = self._dealer_parse()
                return self._dealer_create_or_attach(inquiry)
        except IntakeRefused as error:
            if error.payload:
                self.payload = error.payload
            self._dealer_quarantine(str(error))
        except IntegrityError:
            # a concurrent request created the same provider lead id and committed while we
            # worked: our snapshot cannot see that lead, the caller retries later
            self._dealer_quarantine(self.env._(
                "The same provider lead id was being received at the same time; this copy is a "
                "repeat."))
            return "conflict"
        except Exception as error:  # nothing may be lost: keep it visible
            _logger.exception("Lead intake %s failed", self.id)
            self._dealer_quarantine(self.env._(
                "Unexpected error while processing: %(error)s", error=error))
        return "quarantined"

    def _dealer_parse(self):
        """Turn the payload into the normalised inquiry dict (same shape for ADF and JSON)."""
        payload = (self.payload or self.raw_payload or "").strip()
        if not payload:
            raise IntakeRefused(self.env._("The inquiry is empty."))
        if self.channel == "sms":
            inquiry = self._dealer_parse_sms(payload)
        elif self.channel == "http" and payload[:1] in "{[":
            inquiry = self._dealer_parse_json(payload)
        else:
            try:
                prospects = adf.parse_adf(payload)
            except adf.AdfError as error:
                block = adf.find_adf(payload)
                raise IntakeRefused(self.env._(
                    "The ADF document could not be read: %(detail)s", detail=error),
                    # show the manager the document itself (unescaped), ready to fix
                    payload=block if block and block != payload else None) from None
            inquiry = prospects[0]
            if len(prospects) > 1:
                inquiry["extras"]["other_prospects"] = len(prospects) - 1
        self._dealer_normalise(inquiry)
        if not inquiry["emails"] and not inquiry["phones"]:
            raise IntakeRefused(self.env._(
                "There is no way to reach the customer (no valid e-mail or phone)."))
        return inquiry

    @api.model
    def _dealer_parsed_values(self, inquiry):
        """What the intake keeps of a parsed inquiry (written with its final state)."""
        return {
            "parsed_data": json.loads(json.dumps(inquiry, default=str)),
            "field_origin": inquiry.get("origin") or {},
            "extras": inquiry.get("extras") or {},
            "provider_ref": inquiry.get("provider_lead_id") or False,
        }

    def _dealer_json_object(self, payload):
        """``payload`` parsed as a JSON object, else the inquiry is refused with the reason."""
        try:
            data = json.loads(payload)
        except ValueError as error:
            raise IntakeRefused(self.env._("The body is not valid JSON: %(error)s",
                                           error=error)) from None
        if not isinstance(data, dict):
            raise IntakeRefused(self.env._("The JSON body must be an object."))
        return data

    def _dealer_parse_json(self, payload):
        data = self._dealer_json_object(payload)
        customer = data.get("customer") or {}
        if not isinstance(customer, dict):
            raise IntakeRefused(self.env._("'customer' must be an object."))
        phones = customer.get("phones") or []
        if isinstance(customer.get("phone"), str):
            phones = [{"number": customer["phone"], "type": "voice"}, *phones]
        if isinstance(customer.get("mobile"), str):
            phones = [{"number": customer["mobile"], "type": "mobile"}, *phones]
        if not isinstance(phones, list):
            raise IntakeRefused(self.env._("'customer.phones' must be a list."))
        vehicles = data.get("vehicles") or []
        if not isinstance(vehicles, list):
            raise IntakeRefused(self.env._("'vehicles' must be a list."))
        emails = customer.get("emails") or ([customer["email"]] if customer.get("email") else [])
        origin = {key: f"json:customer.{key}" for key in customer}
        return {
            "status": data.get("status") or "new",
            "request_date": adf.parse_date(str(data.get("request_date") or "")),
            "request_date_raw": str(data.get("request_date") or ""),
            "provider_lead_id": str(data.get("provider_lead_id") or "")[:128],
            "customer": {
                "first_name": customer.get("first_name") or "",
                "last_name": customer.get("last_name") or "",
                "name": customer.get("name") or " ".join(
                    p for p in (customer.get("first_name"), customer.get("last_name")) if p),
                "emails": [str(e) for e in emails],
                "phones": [{
                    "number": str(p.get("number") or ""),
                    "type": "mobile" if str(p.get("type") or "").lower() in adf.MOBILE_TYPES
                    else "voice",
                    "origin": f"json:customer.phones[{i}]",
                } for i, p in enumerate(phones) if isinstance(p, dict)],
                "address": {k: str(v) for k, v in (customer.get("address") or {}).items()},
                "comments": str(customer.get("comments") or data.get("comments") or ""),
                "timeframe": str(customer.get("timeframe") or ""),
                "lang": str(customer.get("language") or ""),
            },
            "vehicles": [{
                "interest": "trade-in" if str(v.get("interest", "")).lower() in
                adf.TRADE_INTERESTS else str(v.get("interest") or "buy").lower(),
                "status": "used" if str(v.get("status", "")).lower() == "used" else "new",
                "year": int(v["year"]) if str(v.get("year", "")).isdigit() else 0,
                "make": str(v.get("make") or ""), "model": str(v.get("model") or ""),
                "trim": str(v.get("trim") or ""), "vin": str(v.get("vin") or "").upper(),
                "stock": str(v.get("stock") or ""),
                "price": float(v.get("price") or 0) if isinstance(
                    v.get("price"), (int, float)) else 0.0,
                "odometer": int(v.get("odometer") or 0) if isinstance(
                    v.get("odometer"), int) else 0,
                "comments": str(v.get("comments") or ""),
            } for v in vehicles if isinstance(v, dict)],
            "provider": {"name": str((data.get("provider") or {}).get("name") or "")
                         if isinstance(data.get("provider"), dict) else str(
                             data.get("provider") or "")},
            "vendor": {"name": ""},
            "extras": {k: v for k, v in data.items() if k not in (
                "customer", "vehicles", "provider", "provider_lead_id", "request_date",
                "status", "comments")},
            "origin": {**origin, "vehicles": "json:vehicles"},
        }

    def _dealer_parse_sms(self, payload):
        """A first text from an unknown number (kept by ``dealer.sms.inbound``)."""
        data = self._dealer_json_object(payload)
        media = [str(url) for url in data.get("media") or []]
        comments = "\n".join([str(data.get("body") or ""), *media]).strip()
        return {
            "status": "new",
            "request_date": False,
            "provider_lead_id": "",
            "name": "",
            "emails": [],
            "phones": [{"number": str(data.get("from") or ""), "type": "mobile",
                        "origin": "sms:From"}],
            "address": {},
            "comments": comments,
            "vehicles": [],
            "provider": {"name": ""},
            "extras": {"media": media} if media else {},
            "origin": {"phone": "sms:From", "comments": "sms:Body"},
        }

    def _dealer_normalise(self, inquiry):
        """Flatten the customer, normalise phones to E.164 (mobile first, for texting), pick
        the language. Mutates and returns ``inquiry``."""
        customer = inquiry.pop("customer", None)
        if customer is not None:
            inquiry.update(customer)
        if "provider_lead_id" not in inquiry:
            inquiry["provider_lead_id"] = adf.provider_lead_id(inquiry)
        address = inquiry.get("address") or {}
        country = self._dealer_country(address)
        phones = []
        for phone in inquiry.get("phones") or []:
            e164 = self._dealer_e164(phone.get("number"), country)
            if e164 and phone.get("type") not in ("fax", "pager"):
                phones.append({**phone, "e164": e164})
        # the number to text: an explicit mobile, then a preferred one, then the first
        phones.sort(key=lambda p: (p.get("type") != "mobile", not p.get("preferred")))
        inquiry["phones"] = phones
        inquiry["emails"] = [e for e in (
            email_normalize(email) for email in inquiry.get("emails") or []) if e]
        inquiry["lang"] = self._dealer_detect_lang(inquiry)
        if phones:
            inquiry.setdefault("origin", {})["phone"] = phones[0].get("origin", "")
        return inquiry

    @api.model
    def _dealer_country(self, address):
        code = (address.get("country") or "").upper()[:2]
        if code in ("US", "CA"):
            return self.env.ref(f"base.{code.lower()}")
        return self.env.company.country_id or self.env.ref("base.ca")

    @api.model
    def _dealer_e164(self, number, country):
        number = (number or "").strip()
        if not re.search(r"\d{7}", re.sub(r"\D", "", number)):
            return False
        if re.fullmatch(r"[\s(]*0{3}[\s)\-.]*0{3}[\s\-.]*0{4}", number):
            return False
        return phone_validation.phone_format(
            number, country.code or "CA", country.phone_code or 1, force_format="E164",
            raise_exception=False) or False

    def _dealer_detect_lang(self, inquiry):
        """fr_CA for Quebec addresses or area codes or French text, else the source default."""
        explicit = (inquiry.get("lang") or "").lower()
        if explicit.startswith("fr"):
            return "fr_CA"
        if explicit.startswith("en"):
            return "en_US"
        address = inquiry.get("address") or {}
        if (address.get("region") or "").upper() in ("QC", "PQ", "QUEBEC", "QUÉBEC"):
            return "fr_CA"
        for phone in inquiry.get("phones") or []:
            if (phone.get("e164") or "")[2:5] in QUEBEC_AREA_CODES and phone["e164"][:2] == "+1":
                return "fr_CA"
        words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ'-]+", (inquiry.get("comments") or "").lower())
        french = sum(word in FRENCH_WORDS for word in words)
        english = sum(word in ENGLISH_WORDS for word in words)
        if french >= 2 and french > english:
            return "fr_CA"
        if english >= 2 and english > french and not self.source_id.default_lang:
            return "en_US"
        return self.source_id.default_lang or "fr_CA"

    @api.model
    def _dealer_lang(self, code):
        """The active language ``code`` (cached lookup), activated if needed."""
        Lang = self.env["res.lang"]
        return Lang._lang_get(code) or Lang._activate_lang(code)

    def _dealer_find_duplicate(self, inquiry):
        """An open lead with the same provider lead id, phone or e-mail."""
        Lead = self.env["crm.lead"].with_context(active_test=True)
        if inquiry.get("provider_lead_id") and self.source_id:
            lead = Lead.search([
                ("dealer_source_id", "=", self.source_id.id),
                ("dealer_provider_lead_id", "=", inquiry["provider_lead_id"]),
            ], limit=1)
            if lead:
                return lead, "repeat"
        domain = []
        numbers = [p["e164"] for p in inquiry["phones"]]
        if numbers:
            domain.append([("phone_sanitized", "in", numbers)])
        emails = [e.lower() for e in inquiry["emails"]]
        if emails:
            domain.append([("email_normalized", "in", emails)])
        if not domain:
            return Lead, False
        open_domain = [("won_status", "=", "pending"),
                       ("company_id", "in", [self.company_id.id, False])]
        lead = Lead.search(Domain.AND([open_domain, Domain.OR(domain)]), order="id", limit=1)
        return lead, "duplicate" if lead else False

    def _dealer_create_or_attach(self, inquiry):
        lead, kind = self._dealer_find_duplicate(inquiry)
        if lead:
            self._dealer_attach(lead, inquiry, repeat=kind == "repeat" or (
                inquiry.get("status") == "resend"))
            return "repeat" if kind == "repeat" else "attached"
        values = self._dealer_lead_values(inquiry)
        wanted = next((v for v in inquiry.get("vehicles") or []
                       if v.get("interest") != "trade-in"), {})
        team, user, how = self.env["crm.lead"]._dealer_choose_route(SimpleNamespace(
            dealer_source_id=self.env["dealer.lead.source"].browse(values["dealer_source_id"]),
            dealer_vehicle_condition=wanted.get("status") or False,
            dealer_vehicle_make=wanted.get("make") or False,
            company_id=self.company_id,
            team_id=self.env["crm.team"].browse(values.get("team_id")),
            user_id=self.env["res.users"],
        ))
        values.update(team_id=team.id or False, user_id=user.id or False,
                      dealer_ack_state="pending")
        lead = self.env["crm.lead"].with_context(
            dealer_intake_skip=True, mail_create_nolog=True, mail_auto_subscribe_no_notify=True,
        ).create(values)
        self.write({
            **self._dealer_parsed_values(inquiry),
            "state": "created",
            "lead_id": lead.id,
            "provider_lead_id": inquiry.get("provider_lead_id") or False,
        })
        self.env.flush_all()  # reach the unique index inside our savepoint
        lead._message_log(body=self._dealer_inquiry_note(inquiry, first=True) + plaintext2html(
            self.env["crm.lead"]._dealer_route_note(user, how)))
        lead._dealer_after_intake(self.channel, routed=True)
        return "created"

    def _dealer_attach(self, lead, inquiry, repeat=False):
        """Keep a duplicate inquiry on the open lead: visible, counted, salesperson alerted;
        no new acknowledgement and no SLA restart."""
        values = self._dealer_parsed_values(inquiry) if inquiry.get("origin") else {}
        self.write({**values, "state": "attached", "lead_id": lead.id})
        if repeat:
            lead._message_log(body=self.env._(
                "The provider sent this inquiry again (same lead id %(ref)s); kept as intake "
                "%(intake)s.", ref=inquiry.get("provider_lead_id") or "-", intake=self.name))
            return
        lead.sudo().dealer_inquiry_count += 1
        lead._message_log(body=self._dealer_inquiry_note(inquiry, first=False))
        lead._dealer_alert_salesperson(duplicate=True)

    def _dealer_inquiry_note(self, inquiry, first):
        vehicles = ", ".join(" ".join(str(p) for p in (
            v.get("year") or "", v.get("make"), v.get("model"), v.get("trim")) if p)
            for v in inquiry.get("vehicles") or []) or "-"
        values = {
            "channel": dict(self._fields["channel"].selection).get(self.channel),
            "provider": (inquiry.get("provider") or {}).get("name") or self.source_id.name or "-",
            "vehicles": vehicles,
            "comments": inquiry.get("comments") or "-",
            "count": self.lead_id.dealer_inquiry_count or 1,
            "intake": self.name,
        }
        if first:
            text = self.env._(
                "Inquiry received by %(channel)s from %(provider)s (intake %(intake)s). "
                "Vehicles: %(vehicles)s. Comments: %(comments)s", **values)
        else:
            text = self.env._(
                "New inquiry #%(count)s received by %(channel)s from %(provider)s (intake "
                "%(intake)s). Vehicles: %(vehicles)s. Comments: %(comments)s", **values)
        return plaintext2html(text)

    def _dealer_lead_values(self, inquiry):
        source = self.source_id or self.env["dealer.lead.source"]._dealer_match_email(
            "", (inquiry.get("provider") or {}).get("name"))
        if source and not self.source_id:
            self.source_id = source
        provider_name = (inquiry.get("provider") or {}).get("name") or ""
        address = inquiry.get("address") or {}
        country = self._dealer_country(address)
        state = self.env["res.country.state"]
        if address.get("region"):
            state = state.search([("country_id", "=", country.id),
                                  ("code", "=", address["region"][:3])], limit=1)
        phones = inquiry["phones"]
        vehicles = inquiry.get("vehicles") or []
        name = inquiry.get("name") or (inquiry["emails"] or [""])[0] or phones[0]["e164"]
        wanted = [v for v in vehicles if v.get("interest") != "trade-in"]
        title = " ".join(str(p) for p in (
            wanted[0].get("year") or "", wanted[0].get("make"), wanted[0].get("model"))
            if p) if wanted else ""
        lang = inquiry.get("lang") and self._dealer_lang(inquiry["lang"])
        custom = dict(self.custom_values or {})
        values = {
            **custom,
            "name": f"{title} - {name}" if title else name,
            "contact_name": name,
            "partner_id": False,
            "email_from": (inquiry["emails"] or [False])[0],
            "phone": phones[0]["e164"] if phones else False,
            "dealer_other_phones": ", ".join(p["e164"] for p in phones[1:]) or False,
            "street": address.get("street") or False,
            "street2": address.get("apartment") or False,
            "city": address.get("city") or False,
            "zip": address.get("postal_code") or False,
            "state_id": state.id or False,
            "country_id": country.id or False,
            "lang_id": lang.id if lang else False,
            "description": plaintext2html(inquiry.get("comments") or "") if inquiry.get(
                "comments") else False,
            "dealer_timeframe": inquiry.get("timeframe") or False,
            "dealer_request_date": inquiry.get("request_date") or False,
            "dealer_source_id": source.id or False,
            "dealer_provider_lead_id": inquiry.get("provider_lead_id") or False,
            "source_id": source._dealer_utm_source(provider_name).id if source else (
                self.env["utm.mixin"]._find_or_create_record("utm.source", provider_name).id
                if provider_name else False),
            "medium_id": self._dealer_utm_medium().id,
            "company_id": self.company_id.id,
            "dealer_vehicle_ids": [fields.Command.create({
                "sequence": index,
                "interest": vehicle["interest"] if vehicle["interest"] in (
                    "buy", "lease", "test-drive", "trade-in") else "buy",
                "condition": vehicle.get("status") if vehicle.get("status") in (
                    "new", "used") else "new",
                "year": vehicle.get("year") or 0,
                "make": vehicle.get("make") or False,
                "model": vehicle.get("model") or False,
                "trim": vehicle.get("trim") or False,
                "vin": vehicle.get("vin") or False,
                "stock_number": vehicle.get("stock") or False,
                "price": vehicle.get("price") or 0.0,
                "odometer": vehicle.get("odometer") or 0,
                "odometer_unit": vehicle.get("odometer_units") if vehicle.get(
                    "odometer_units") in ("km", "mi") else False,
                "comments": vehicle.get("comments") or False,
            }) for index, vehicle in enumerate(vehicles)],
        }
        if not values.get("team_id") and source.team_id:
            values["team_id"] = source.team_id.id
        values.setdefault("user_id", False)
        return values

    def _dealer_utm_medium(self):
        xmlid = {"email": "utm.utm_medium_email", "web": "utm.utm_medium_website"}.get(
            self.channel)
        medium = self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None
        names = {"http": "Lead API", "sms": "SMS"}
        return medium or self.env["utm.mixin"]._find_or_create_record(
            "utm.medium", names.get(self.channel, "Manual"))

    def _dealer_process_plain_email(self, msg_dict, custom_values):
        """A plain e-mail (no ADF) to the leads alias: stock lead creation, or attachment to the
        sender's open lead; then the same routing and acknowledgement."""
        email = email_normalize(msg_dict.get("email_from") or "")
        inquiry = {"emails": [email] if email else [], "phones": [],
                   "comments": html2plaintext(msg_dict.get("body") or ""),
                   "provider": {"name": ""}, "vehicles": []}
        # a lead provider's address is not the customer's: never dedupe on it
        lead = not self.source_id and self._dealer_find_duplicate(inquiry)[0]
        if lead:
            self._dealer_attach(lead, inquiry)
            return lead
        lead = self.env["crm.lead"]._dealer_message_new_stock(msg_dict, custom_values)
        self.write({"state": "created", "lead_id": lead.id})
        if not lead.lang_id:
            code = self._dealer_detect_lang(inquiry)
            lead.lang_id = self._dealer_lang(code)
        lead.medium_id = self._dealer_utm_medium()
        lead._dealer_after_intake("email")
        return lead

    def _dealer_quarantine(self, reason):
        self.write({"state": "quarantined", "reason": reason})
        self._dealer_alert_managers()

    def _dealer_alert_managers(self):
        """Tell the managers (Odoo inbox) that an inquiry needs a human."""
        group = self.env.ref("dealer_lead_addon.group_dealer_lead_manager")
        managers = group.sudo().user_ids.filtered(
            lambda u: u.active and not u.share and u.company_id == self.company_id
            or self.company_id in u.company_ids)
        managers = managers - self.env.ref("base.user_root")
        if not managers:
            return
        # sudo: the gateway or an API caller may not be allowed to notify managers
        self.sudo().message_post(
            body=self.env._("Inquiry %(name)s could not become a lead: %(reason)s",
                            name=self.name, reason=self.reason),
            partner_ids=managers.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    def action_retry(self):
        """Run the pipeline again on quarantined intakes (after their payload or the source
        was fixed)."""
        for intake in self.filtered(lambda i: i.state == "quarantined"):
            intake.write({"state": "received", "reason": False})
            intake._dealer_process()
        return True

    def action_open_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }
