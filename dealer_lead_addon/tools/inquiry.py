"""The normalised inquiry: one plain, typed value for every intake channel (pure: no Odoo).

Each channel's parser (:func:`from_adf`, :func:`from_json`, :func:`from_sms`,
:func:`from_plain_email`, :func:`from_lead_values`) returns an :class:`Inquiry` whose phones are
in E.164 (mobile first, fax and pager dropped), whose e-mails are normalised and whose language
is decided once, here. What cannot become an inquiry raises :class:`InquiryError` with a stable
``code`` (clients and tests match it, the HTTP status is derived from it) and an English message
template with its parameters: Odoo renders the message translated (the templates are marked
with :func:`_lt` for the term export).
"""

import json
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.utils import getaddresses

from . import adf
from .phone import to_e164

MAX_BODY_BYTES = 2 * 1024 * 1024  # hard limit of a request body, on the bytes read
ACCEPTED_TYPES = ("application/xml", "text/xml", "application/x-adf+xml", "application/json",
                  "text/plain")
MAX_JSON_DEPTH = 8
MAX_ITEMS = 20  # phones, e-mails or vehicles of one inquiry
MAX_INT_DIGITS = 15
YEAR_RANGE = (1900, 2100)
PRICE_MAX = 1e9
ODOMETER_MAX = 10_000_000
TEXT_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}

QUEBEC_AREA_CODES = {"263", "354", "367", "418", "438", "450", "468", "514", "579", "581", "819",
                     "873"}
QUEBEC_REGIONS = {"QC", "PQ", "QUEBEC", "QUÉBEC"}
FRENCH_WORDS = {"le", "la", "les", "je", "un", "une", "des", "du", "pour", "est", "vous", "bonjour",
                "merci", "avec", "voiture", "essai", "veux", "voudrais", "aimerais", "disponible",
                "rendez-vous", "prix", "svp", "et", "mon", "ma", "mes", "pas", "sur", "cette"}
ENGLISH_WORDS = {"the", "and", "i", "is", "for", "you", "hello", "hi", "thanks", "with", "car",
                 "test", "drive", "want", "would", "like", "available", "price", "please", "my",
                 "this", "not", "on", "can"}
WORD_RE = re.compile(r"[a-zàâçéèêëîïôûùüÿœ'-]+")
EMAIL_RE = re.compile(r"[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+")
ADDRESS_KEYS = ("street", "apartment", "city", "region", "postal_code", "country")
VEHICLE_TEXT_KEYS = ("make", "model", "trim", "vin", "stock", "comments", "odometer_units")


def _lt(message):
    """Mark ``message`` for Odoo's term export; the caller translates it when rendering."""
    return message


class InquiryError(ValueError):
    """The input cannot become an inquiry.

    :param str code: stable machine code (``not_json``, ``wrong_type``, ``no_adf``...)
    :param str template: the English message, with ``%(name)s`` placeholders
    :param payload: a cleaner text to show the manager (e.g. the unescaped ADF block)
    """

    def __init__(self, code, template, payload=None, **params):
        super().__init__(template % params if params else template)
        self.code = code
        self.template = template
        self.params = params
        self.payload = payload


@dataclass(frozen=True)
class Phone:
    number: str
    e164: str
    type: str = "voice"  # mobile | voice
    preferred: bool = False
    origin: str = ""


@dataclass(frozen=True)
class Address:
    street: str = ""
    apartment: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class Vehicle:
    interest: str = "buy"  # buy | lease | test-drive | trade-in | ...
    status: str = "new"  # new | used
    year: int = 0
    make: str = ""
    model: str = ""
    trim: str = ""
    vin: str = ""
    stock: str = ""
    price: float = 0.0
    price_type: str = ""
    odometer: int = 0
    odometer_units: str = ""
    comments: str = ""
    origin: str = ""

    @property
    def is_trade_in(self):
        return self.interest == "trade-in"


@dataclass(frozen=True)
class Inquiry:
    """One inquiry, whatever the channel. ``extras`` and ``origin`` are read-only by convention
    (``origin``: where each value came from, e.g. ``prospect/customer/contact/phone[1]``)."""

    status: str = "new"  # new | resend
    request_date: datetime | None = None  # naive UTC
    request_date_raw: str = ""
    provider_lead_id: str = ""
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[Phone, ...] = ()  # E.164, the one to text first
    address: Address = field(default_factory=Address)
    comments: str = ""
    timeframe: str = ""
    lang: str = ""  # fr_CA | en_US
    vehicles: tuple[Vehicle, ...] = ()
    provider_name: str = ""
    vendor_name: str = ""
    extras: dict = field(default_factory=dict)
    origin: dict = field(default_factory=dict)

    @property
    def reachable(self):
        return bool(self.emails or self.phones)

    @property
    def wanted_vehicle(self):
        """The first vehicle the customer wants (not a trade-in), or None."""
        return next((v for v in self.vehicles if not v.is_trade_in), None)

    def to_json(self):
        """A JSON-compatible dict of every field (dates as ISO strings)."""
        values = asdict(self)
        values["request_date"] = self.request_date.isoformat() if self.request_date else None
        return values


# ------------------------------------------------------------
# Shared normalisation
# ------------------------------------------------------------

def detect_lang(explicit="", region="", e164s=(), comments="", default_lang=None):
    """fr_CA or en_US: an explicit language, a Quebec address or area code, French or English
    words, else ``default_lang`` (a source's default; French when there is none, unless the
    text is clearly English)."""
    explicit = (explicit or "").lower()
    if explicit.startswith("fr"):
        return "fr_CA"
    if explicit.startswith("en"):
        return "en_US"
    if (region or "").upper() in QUEBEC_REGIONS:
        return "fr_CA"
    if any(e164[:2] == "+1" and e164[2:5] in QUEBEC_AREA_CODES for e164 in e164s if e164):
        return "fr_CA"
    words = WORD_RE.findall((comments or "").lower())
    french = sum(word in FRENCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    if french >= 2 and french > english:
        return "fr_CA"
    if english >= 2 and english > french and not default_lang:
        return "en_US"
    return default_lang or "fr_CA"


def normalise_email(text):
    """The address in ``text`` (``"Ana <Ana@X.ca>"`` -> ``ana@x.ca``), or None."""
    if not isinstance(text, str) or len(text) > 320:
        return None
    for _name, address in getaddresses([text]):
        address = address.strip().lower()
        if EMAIL_RE.fullmatch(address):
            return address
    return None


def phone_country(address, country):
    """The country national numbers belong to: the address's when it is the US or Canada."""
    code = (address.country or "").upper()[:2]
    return code if code in ("US", "CA") else (country or "CA").upper()


def _phones(raw_phones, country):
    """E.164 phones, textable ones only, the one to text first (mobile, then preferred)."""
    phones, seen = [], set()
    for raw in raw_phones:
        if raw.get("type") in adf.NO_TEXT_TYPES:
            continue
        e164 = to_e164(raw.get("number"), country)
        if e164 and e164 not in seen:
            seen.add(e164)
            phones.append(Phone(
                number=raw["number"], e164=e164,
                type="mobile" if raw.get("type") == "mobile" else "voice",
                preferred=bool(raw.get("preferred")), origin=raw.get("origin") or ""))
    phones.sort(key=lambda phone: (phone.type != "mobile", not phone.preferred))
    return tuple(phones)


def _build(*, default_lang, country, explicit_lang="", **values):
    """The Inquiry of ``values`` (raw phones and e-mails), normalised, language decided."""
    address = values.pop("address", None) or Address()
    phones = _phones(values.pop("phones", ()), phone_country(address, country))
    emails = tuple(dict.fromkeys(
        e for e in (normalise_email(email) for email in values.pop("emails", ())) if e))
    origin = dict(values.pop("origin", {}))
    if phones:
        origin["phone"] = phones[0].origin
    lang = detect_lang(explicit_lang, address.region, [p.e164 for p in phones],
                       values.get("comments"), default_lang)
    return Inquiry(address=address, phones=phones, emails=emails, lang=lang, origin=origin,
                   **values)


def require_reachable(inquiry):
    """``inquiry``, or :class:`InquiryError` ``unreachable`` when it has no e-mail or phone."""
    if not inquiry.reachable:
        raise InquiryError("unreachable", _lt(
            "There is no way to reach the customer (no valid e-mail or phone)."))
    return inquiry


EMPTY_MESSAGE = _lt("The inquiry is empty.")


# ------------------------------------------------------------
# Bytes
# ------------------------------------------------------------

def read_limited(stream, limit=MAX_BODY_BYTES):
    """Read at most ``limit`` bytes of ``stream`` (a chunked body too, whatever its headers
    announce): ``(data, truncated)``, ``truncated`` when the stream had more."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    return data[:limit], size > limit


def discard(stream, limit):
    """Read and drop at most ``limit`` more bytes of ``stream`` (memory stays bounded)."""
    size = 0
    while size < limit:
        chunk = stream.read(min(64 * 1024, limit - size))
        if not chunk:
            return
        size += len(chunk)


def too_large(limit_kib):
    return InquiryError("payload_too_large", _lt("The body is larger than %(size)s KiB."),
                        size=limit_kib)


def unsupported_media_type(content_type):
    return InquiryError("unsupported_media_type", _lt(
        "The content type %(type)s is not accepted: send ADF XML (application/xml) or JSON "
        "(application/json)."), type=(content_type or "-")[:100])


def decode_body(data, charset=None):
    """The text of a request body: UTF-8 (a byte-order mark is dropped). Lead providers send
    UTF-8; a UTF-16 body (byte-order mark or declared charset) or any other charset is
    refused with a readable reason rather than guessed.

    :raise InquiryError: ``unsupported_charset``, ``invalid_encoding`` or ``nul_byte``
    """
    charset = (charset or "").strip().lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (charset and charset not in TEXT_CHARSETS):
        raise InquiryError("unsupported_charset", _lt(
            "The body is not UTF-8 (%(charset)s): send the inquiry encoded in UTF-8."),
            charset=(charset or "UTF-16")[:40])
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InquiryError("invalid_encoding", _lt(
            "The body is not valid UTF-8 (byte %(position)s): send the inquiry encoded in "
            "UTF-8."), position=error.start) from None
    if "\x00" in text:
        raise InquiryError("nul_byte", _lt(
            "The body contains a NUL character (position %(position)s): it is not UTF-8 "
            "text."), position=text.index("\x00"))
    return text


def raw_text(data):
    """``data`` as storable text, whatever it holds: undecodable bytes and NUL characters
    (which the database refuses) are written as ``\\xNN`` escapes."""
    text = data.decode("utf-8", "backslashreplace") if isinstance(data, bytes) else data
    return text.replace("\x00", "\\x00")


# ------------------------------------------------------------
# ADF
# ------------------------------------------------------------

def from_adf(text, default_lang=None, country="CA"):
    """The first ``<prospect>`` of the ADF document in ``text`` (others counted in extras)."""
    try:
        prospects = adf.parse_adf(text)
    except adf.AdfError as error:
        block = adf.find_adf(text) if error.code != "nul_byte" else None
        raise InquiryError(error.code, error.template, payload=(
            # show the manager the document itself (unescaped), ready to fix
            block if block and block != text else None), **error.params) from None
    prospect = prospects[0]
    extras = dict(prospect["extras"])
    if len(prospects) > 1:
        extras["other_prospects"] = len(prospects) - 1
    customer = prospect["customer"]
    address = customer.get("address") or {}
    if len(prospect["vehicles"]) > MAX_ITEMS or len(customer["phones"]) > MAX_ITEMS:
        _too_many("vehicle" if len(prospect["vehicles"]) > MAX_ITEMS else "phone")
    return _build(
        default_lang=default_lang, country=country, explicit_lang=customer["lang"],
        status=prospect["status"],
        request_date=prospect["request_date"],
        request_date_raw=prospect["request_date_raw"],
        provider_lead_id=adf.provider_lead_id(prospect),
        name=customer["name"], first_name=customer["first_name"],
        last_name=customer["last_name"],
        emails=customer["emails"][:MAX_ITEMS],
        phones=customer["phones"],
        address=Address(**{key: address.get(key) or "" for key in ADDRESS_KEYS}),
        comments=customer["comments"], timeframe=customer["timeframe"],
        vehicles=tuple(Vehicle(**{
            key: value for key, value in vehicle.items() if key in Vehicle.__dataclass_fields__
        }) for vehicle in prospect["vehicles"]),
        provider_name=prospect["provider"]["name"],
        vendor_name=prospect["vendor"]["name"],
        extras=extras,
        origin=prospect["origin"],
    )


def _too_many(what):
    raise InquiryError("too_many_items", _lt(
        "The inquiry has more than %(max)s items of one kind (%(what)s)."), max=MAX_ITEMS,
        what=what)


# ------------------------------------------------------------
# JSON
# ------------------------------------------------------------

def _refuse_constant(name):
    raise InquiryError("out_of_range", _lt(
        "%(value)s is not a JSON number (NaN and Infinity are refused)."), value=name)


def _bounded_int(digits):
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise InquiryError("out_of_range", _lt(
            "The number %(value)s… is too large."), value=digits[:MAX_INT_DIGITS])
    return int(digits)


def _depth(value):
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep():
    return InquiryError("too_deep", _lt(
        "The JSON body is nested more than %(max)s levels deep."), max=MAX_JSON_DEPTH)


def load_json_object(payload):
    """``payload`` (text or an already decoded dict) as a JSON object, checked for depth.

    :raise InquiryError: ``not_json``, ``json_not_object``, ``too_deep``, ``out_of_range``
    """
    if isinstance(payload, str):
        try:
            data = json.loads(payload, parse_constant=_refuse_constant, parse_int=_bounded_int)
        except RecursionError:
            raise _too_deep() from None
        except ValueError as error:
            if isinstance(error, InquiryError):
                raise
            # the decoder's own words say where: "Expecting value: line 1 column 13 (char 12)"
            raise InquiryError("not_json", _lt("The body is not valid JSON: %(detail)s"),
                               detail=str(error)[:200]) from None
    else:
        data = payload
    if not isinstance(data, dict):
        raise InquiryError("json_not_object", _lt("The JSON body must be an object."))
    if _depth(data) > MAX_JSON_DEPTH:
        raise _too_deep()
    return data


WRONG_TYPE = {
    "string": _lt("'%(field)s' must be a string."),
    "object": _lt("'%(field)s' must be an object."),
    "list": _lt("'%(field)s' must be a list."),
    "number": _lt("'%(field)s' must be a number."),
    "integer": _lt("'%(field)s' must be an integer."),
    "boolean": _lt("'%(field)s' must be true or false."),
}
JSON_TYPES = {"string": (str,), "object": (dict,), "list": (list,), "number": (int, float),
              "integer": (int,), "boolean": (bool,)}


def _typed(data, key, kind, path, default=None):
    """``data[key]`` checked to be of JSON type ``kind`` (null or absent: ``default``)."""
    value = data.get(key)
    if value is None:
        return default
    wrong = not isinstance(value, JSON_TYPES[kind]) or (
        isinstance(value, bool) and kind in ("number", "integer"))
    if wrong:
        raise InquiryError("wrong_type", WRONG_TYPE[kind], field=f"{path}{key}")
    if kind == "number" and not math.isfinite(value):
        _refuse_constant(str(value))
    return value


def _text(data, key, path):
    return _typed(data, key, "string", path, "").strip()


def _in_range(value, low, high, field_name):
    if not low <= value <= high:
        raise InquiryError("out_of_range", _lt(
            "'%(field)s' must be between %(min)s and %(max)s."), field=field_name, min=low,
            max=high)
    return value


def _items(data, key, kind, path):
    """``data[key]``: a list of at most MAX_ITEMS values of JSON type ``kind`` (nulls dropped)."""
    items = _typed(data, key, "list", path, [])
    if len(items) > MAX_ITEMS:
        _too_many(f"{path}{key}")
    for index, item in enumerate(items):
        if item is not None and not isinstance(item, JSON_TYPES[kind]):
            raise InquiryError("wrong_type", WRONG_TYPE[kind], field=f"{path}{key}[{index}]")
    return [item for item in items if item is not None]


def _json_phones(customer):
    phones = []
    for key, kind in (("mobile", "mobile"), ("phone", "voice")):
        number = _text(customer, key, "customer.")
        if number:
            phones.append({"number": number, "type": kind, "origin": f"json:customer.{key}"})
    for index, phone in enumerate(_items(customer, "phones", "object", "customer.")):
        path = f"customer.phones[{index}]."
        kind = _text(phone, "type", path).lower()
        phones.append({
            "number": _text(phone, "number", path),
            "type": "mobile" if kind in adf.MOBILE_TYPES else kind if kind in
            adf.NO_TEXT_TYPES else "voice",
            "preferred": _typed(phone, "preferred", "boolean", path, False),
            "origin": f"json:customer.phones[{index}]",
        })
    return phones


def _json_vehicle(vehicle, index):
    path = f"vehicles[{index}]."
    interest = _text(vehicle, "interest", path).lower() or "buy"
    status = _text(vehicle, "status", path).lower()
    year = _typed(vehicle, "year", "integer", path, 0)
    if year:
        _in_range(year, *YEAR_RANGE, f"{path}year")
    price = _typed(vehicle, "price", "number", path, 0.0)
    if price:
        _in_range(price, 0, PRICE_MAX, f"{path}price")
    odometer = _typed(vehicle, "odometer", "integer", path, 0)
    _in_range(odometer, 0, ODOMETER_MAX, f"{path}odometer")
    texts = {key: _text(vehicle, key, path) for key in VEHICLE_TEXT_KEYS}
    return Vehicle(
        interest="trade-in" if interest in adf.TRADE_INTERESTS else interest,
        status="used" if status == "used" else "new",
        year=year, price=float(price), odometer=odometer,
        **{**texts, "vin": texts["vin"].upper(), "odometer_units": texts[
            "odometer_units"].lower()},
        origin=f"json:vehicles[{index}]",
    )


JSON_KNOWN_KEYS = ("customer", "vehicles", "provider", "provider_lead_id", "request_date",
                   "status", "comments")


def from_json(payload, default_lang=None, country="CA"):
    """The inquiry of the JSON API (see docs/intake-api.md), types checked strictly.

    :param payload: the body text, or the already decoded object
    """
    data = load_json_object(payload)
    customer = _typed(data, "customer", "object", "", {})
    address = _typed(customer, "address", "object", "customer.", {})
    provider = data.get("provider")
    provider_name = _text(data, "provider", "") if not isinstance(provider, dict) else _text(
        provider, "name", "provider.")
    provider_lead_id = data.get("provider_lead_id")
    if isinstance(provider_lead_id, int) and not isinstance(provider_lead_id, bool):
        provider_lead_id = str(provider_lead_id)  # numeric ids are common: kept as text
    else:
        provider_lead_id = _text(data, "provider_lead_id", "")
    request_raw = _text(data, "request_date", "")
    emails = _items(customer, "emails", "string", "customer.")
    email = _text(customer, "email", "customer.")
    first, last = _text(customer, "first_name", "customer."), _text(
        customer, "last_name", "customer.")
    origin = {key: f"json:customer.{key}" for key in customer}
    vehicles = _items(data, "vehicles", "object", "")
    if vehicles:
        origin["vehicles"] = "json:vehicles"
    return _build(
        default_lang=default_lang, country=country,
        explicit_lang=_text(customer, "language", "customer."),
        status=_text(data, "status", "").lower() or "new",
        request_date=adf.parse_date(request_raw),
        request_date_raw=request_raw,
        provider_lead_id=provider_lead_id[:128],
        name=_text(customer, "name", "customer.") or " ".join(p for p in (first, last) if p),
        first_name=first, last_name=last,
        emails=emails or ([email] if email else []),
        phones=_json_phones(customer),
        address=Address(**{key: _text(address, key, "customer.address.") for key in
                           ADDRESS_KEYS}),
        comments=_text(customer, "comments", "customer.") or _text(data, "comments", ""),
        timeframe=_text(customer, "timeframe", "customer."),
        vehicles=tuple(_json_vehicle(v, i) for i, v in enumerate(vehicles)),
        provider_name=provider_name,
        extras={key: value for key, value in data.items() if key not in JSON_KNOWN_KEYS},
        origin=origin,
    )


# ------------------------------------------------------------
# Texts, plain e-mails, leads created in Odoo
# ------------------------------------------------------------

def from_sms(from_number, body="", media=(), default_lang=None, country="CA"):
    """A first text from an unknown number: the sender's mobile, the text and its media."""
    values = {"from": from_number, "body": body, "media": media}
    number = _text(values, "from", "")
    media = _items(values, "media", "string", "")
    comments = "\n".join([_text(values, "body", ""), *media]).strip()
    return _build(
        default_lang=default_lang, country=country,
        phones=[{"number": number, "type": "mobile", "origin": "sms:From"}],
        comments=comments,
        extras={"media": media} if media else {},
        origin={"comments": "sms:Body"},
    )


def from_plain_email(email_from, body_text="", default_lang=None, country="CA"):
    """An e-mail without ADF: its sender and its text (already converted from HTML)."""
    return _build(
        default_lang=default_lang, country=country,
        emails=[email_from] if email_from else [],
        comments=body_text or "",
        origin={"email": "email:From", "comments": "email:Body"} if email_from else {},
    )


def from_lead_values(values, default_lang=None, country="CA"):
    """A lead typed in Odoo (website form, manual entry): ``crm.lead`` values, description
    as plain text, ``lang`` a language code, ``country`` / ``region`` as codes."""
    address = Address(
        street=values.get("street") or "", city=values.get("city") or "",
        region=(values.get("region") or "").upper(),
        postal_code=(values.get("zip") or "").upper(),
        country=(values.get("country") or "").upper())
    phones = [{"number": values[key], "type": kind, "origin": f"lead:{key}"}
              for key, kind in (("mobile", "mobile"), ("phone", "voice"))
              if isinstance(values.get(key), str) and values[key]]
    return _build(
        default_lang=default_lang, country=country, explicit_lang=values.get("lang") or "",
        name=values.get("contact_name") or values.get("partner_name") or "",
        emails=[values["email_from"]] if values.get("email_from") else [],
        phones=phones, address=address,
        comments=values.get("description") or "",
        origin={"email": "lead:email_from"} if values.get("email_from") else {},
    )
