"""Pure ADF (Auto-lead Data Format, STAR "adfxml" 1.0) extraction and parsing.

No Odoo import here: the functions take text and return plain dicts, so they are unit-testable
and reusable by every intake channel. Real providers send ADF badly (see the module tests'
fixtures); the parser accepts what a careful human would accept and refuses, with a readable
reason, what cannot be trusted (no ADF at all, XML that stays broken, entity expansion).

Output of :func:`parse_adf` (one dict per ``<prospect>``)::

    {
        "status": "new" | "resend",
        "request_date": datetime | None,       # naive UTC
        "request_date_raw": str,
        "ids": [{"source": str, "sequence": str, "value": str}],
        "customer": {"first_name", "last_name", "name", "emails": [..],
                     "phones": [{"number", "type", "time", "preferred"}],
                     "address": {"street", "city", "region", "postal_code", "country"},
                     "comments", "timeframe", "lang"},
        "vehicles": [{"interest", "status", "year", "make", "model", "trim", "vin", "stock",
                      "price", "odometer", "comments"}],
        "vendor": {"name", "contact"},
        "provider": {"name", "service", "url", "email", "id"},
        "extras": {path: text},                  # unknown tags, kept
        "origin": {field: xml path},             # where each value came from
        "adf_version": str | None,
    }
"""

import html
import re
from datetime import UTC, datetime

from lxml import etree

MAX_ADF_BYTES = 512 * 1024

# Finding the document must stay linear in the size of hostile input: no lazy ``.*?`` between
# an opening and a closing (each unclosed opening would rescan the rest of the text). The
# opening is searched first, then the closing from there, each with a pattern that cannot
# backtrack past the next ``<`` / ``&``.
ADF_OPEN_RE = re.compile(r"<\s*adf[\s>/]", re.IGNORECASE)
ADF_CLOSE_RE = re.compile(r"<\s*/\s*adf\s*>", re.IGNORECASE)
ESCAPED_OPEN_RE = re.compile(r"&lt;\s*adf[\s&]", re.IGNORECASE)
ESCAPED_CLOSE_RE = re.compile(r"&lt;\s*/\s*adf\s*&gt;", re.IGNORECASE)
HTML_TAG_RE = re.compile(r"<[^&<>]*>")
ADF_VERSION_RE = re.compile(r"<\?\s*adf\s+version\s*=?\s*[\"'“”‘’]?([\d.]+)", re.IGNORECASE)
ENTITY_RE = re.compile(r"<!ENTITY", re.IGNORECASE)
DOCTYPE_RE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
BARE_AMP_RE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)")
HTML_BREAK_RE = re.compile(r"<\s*(br|hr|p)\s*/?\s*>", re.IGNORECASE)

MOBILE_TYPES = {"cellphone", "cell", "mobile", "cellular", "sms", "text"}
VOICE_TYPES = {"voice", "phone", "home", "work", "business", "day", "evening", "other", ""}
NO_TEXT_TYPES = {"fax", "pager"}

TRADE_INTERESTS = {"sell", "trade-in", "tradein", "trade"}
KNOWN_VEHICLE_TAGS = {
    "year", "make", "model", "trim", "vin", "stock", "price", "odometer", "comments", "comment",
    "id", "doors", "bodystyle", "transmission", "condition", "colorcombination", "option",
    "finance", "imagetag", "pricecomments",
}
DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y %H:%M", "%a, %d %b %Y %H:%M:%S %z",
)


def _lt(message):
    """Mark ``message`` for Odoo's term export; the caller translates it when rendering."""
    return message


class AdfError(ValueError):
    """The input cannot become a lead; ``str(error)`` is the reason (English).

    ``code`` is stable (clients and tests match it); ``params`` fill the placeholders of the
    message, so the caller can render it translated.
    """

    def __init__(self, message, code="adf_malformed", **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.template = message
        self.params = params


# ------------------------------------------------------------
# Finding the ADF document
# ------------------------------------------------------------

def find_adf(text):
    """Return the ``<adf>...</adf>`` block of ``text`` (plain, or HTML-escaped inside an HTML
    body), or None. Prolog junk before the block (PIs, banners, notification HTML) is dropped.
    """
    if not text:
        return None
    block = _first_block(text, ADF_OPEN_RE, ADF_CLOSE_RE)
    if block is not None:
        return block
    block = _first_block(text, ESCAPED_OPEN_RE, ESCAPED_CLOSE_RE)
    if block is not None:
        # HTML bodies may also carry <br> between the escaped lines
        return html.unescape(HTML_TAG_RE.sub("", block))
    return None


def _first_block(text, open_re, close_re):
    """From the first opening to the first closing after it (one pass over ``text``)."""
    opening = open_re.search(text)
    if not opening:
        return None
    closing = close_re.search(text, opening.end())
    if not closing:
        return None
    return text[opening.start():closing.end()]


def _spans(text, start, end):
    """``(begin, stop)`` of each ``start ... end`` section, left to right, in one pass; an
    unclosed ``start`` ends the scan (it is left as it is)."""
    position = 0
    while True:
        begin = text.find(start, position)
        if begin < 0:
            return
        stop = text.find(end, begin + len(start))
        if stop < 0:
            return
        position = stop + len(end)
        yield begin, position


def _remove_spans(text, start, end):
    parts, position = [], 0
    for begin, stop in _spans(text, start, end):
        parts.append(text[position:begin])
        position = stop
    parts.append(text[position:])
    return "".join(parts)


def adf_version(text):
    match = ADF_VERSION_RE.search(text or "")
    return match.group(1) if match else None


def _sanitize(block):
    """Make a provider's ADF block well-formed without changing its meaning."""
    if DOCTYPE_RE.search(block):
        # a DOCTYPE inside an inquiry can only define entities: never expand them
        raise AdfError(_lt("The ADF document declares a DOCTYPE (entities are refused)."),
                       code="adf_entities")
    block = _remove_spans(block, "<?", "?>")
    # protect CDATA sections from the ampersand repair (callers refuse NUL characters)
    cdatas, parts, position = [], [], 0
    for begin, stop in _spans(block, "<![CDATA[", "]]>"):
        parts.append(block[position:begin])
        parts.append(f"\x00{len(cdatas)}\x00")
        cdatas.append(block[begin:stop])
        position = stop
    parts.append(block[position:])
    block = "".join(parts)
    block = BARE_AMP_RE.sub("&amp;", block)
    block = HTML_BREAK_RE.sub("\n", block)
    block = block.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\x00(\d+)\x00", lambda m: cdatas[int(m.group(1))], block)


def _xml_parser():
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
        dtd_validation=False, recover=False, remove_comments=True,
    )


def parse_adf_root(block):
    """Parse an ``<adf>`` block with entities and network off; return the root element with all
    tag and attribute names lower-cased.
    """
    if len(block.encode("utf-8", "replace")) > MAX_ADF_BYTES:
        raise AdfError(_lt("The ADF document is larger than %(size)s KiB."), code="adf_too_large",
                       size=MAX_ADF_BYTES // 1024)
    clean = _sanitize(block)
    try:
        root = etree.fromstring(clean.encode("utf-8"), parser=_xml_parser())
    except etree.XMLSyntaxError as error:
        raise AdfError(_lt("The ADF document is not well-formed XML: %(detail)s"),
                       code="adf_malformed", detail=str(error)) from None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if any(isinstance(child, etree._Entity) for child in element):
            raise AdfError(_lt("The ADF document uses XML entities (refused)."),
                           code="adf_entities")
        element.tag = etree.QName(element).localname.lower()
        for key in list(element.attrib):
            value = element.attrib.pop(key)
            element.attrib[key.lower()] = value
    if root.tag != "adf":
        raise AdfError(_lt("The document root is <%(tag)s>, not <adf>."), code="adf_wrong_root",
                       tag=root.tag[:64])
    return root


# ------------------------------------------------------------
# Mapping
# ------------------------------------------------------------

def _text(element):
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _multiline_text(element):
    if element is None:
        return ""
    lines = ("".join(element.itertext())).strip().splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def parse_date(value):
    """Parse the date formats seen in the wild; return a naive UTC datetime or None."""
    value = (value or "").strip()
    if not value:
        return None
    candidate = value.replace("Z", "+00:00") if value.endswith("Z") else value
    # one-digit hours: 2008-06-25T8:47:50
    candidate = re.sub(r"([T ])(\d)(:\d\d)", r"\g<1>0\g<2>\g<3>", candidate)
    # "+00:00" is not understood by %z before Python 3.12 in every position: drop the colon
    candidate = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", candidate)
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(candidate, fmt)
        except ValueError:
            continue
        if parsed.tzinfo:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
    return None


def _phone_type(element):
    kind = (element.get("type") or "").strip().lower()
    if element.tag in ("cellphone", "mobile", "cell"):
        kind = "cellphone"
    if kind in MOBILE_TYPES:
        return "mobile"
    if kind in NO_TEXT_TYPES:
        return kind
    return "voice"


def _parse_contact(contact, result, origin, path):
    names = {}
    for name in contact.findall("name"):
        part = (name.get("part") or name.get("type") or "full").lower()
        if part == "surname":
            part = "last"
        names.setdefault(part, _text(name))
    first, last, full = names.get("first", ""), names.get("last", ""), names.get("full", "")
    result["first_name"], result["last_name"] = first, last
    result["name"] = full or " ".join(p for p in (first, names.get("middle", ""), last) if p)
    if result["name"]:
        origin["name"] = f"{path}/name"
    result["emails"] = [_text(e) for e in contact.findall("email") if _text(e)]
    if result["emails"]:
        origin["email"] = f"{path}/email"
    phones = []
    for tag in ("phone", "cellphone", "mobile", "cell", "international_phone"):
        for index, phone in enumerate(contact.findall(tag), start=1):
            number = _text(phone)
            if not number:
                continue
            phones.append({
                "number": number,
                "type": _phone_type(phone),
                "raw_type": phone.get("type") or tag,
                "time": (phone.get("time") or "").lower(),
                "preferred": phone.get("preferredcontact") == "1",
                "origin": f"{path}/{tag}[{index}]",
            })
    result["phones"] = phones
    address = contact.find("address")
    if address is not None:
        result["address"] = {
            "street": "\n".join(_text(s) for s in address.findall("street") if _text(s)),
            "apartment": _text(address.find("apartment")),
            "city": _text(address.find("city")),
            "region": _text(address.find("regioncode")).upper(),
            "postal_code": _text(address.find("postalcode")).upper(),
            "country": _text(address.find("country")).upper(),
        }
        origin["address"] = f"{path}/address"


def _parse_customer(customer, extras, origin):
    result = {"first_name": "", "last_name": "", "name": "", "emails": [], "phones": [],
              "address": {}, "comments": "", "timeframe": "", "lang": ""}
    if customer is None:
        return result
    contact = customer.find("contact")
    if contact is not None:
        _parse_contact(contact, result, origin, "prospect/customer/contact")
    for tag in ("comments", "comment"):
        node = customer.find(tag)
        if node is not None and _text(node):
            result["comments"] = _multiline_text(node)
            origin["comments"] = f"prospect/customer/{tag}"
            break
    timeframe = customer.find("timeframe")
    if timeframe is not None:
        parts = [_text(timeframe.find(t)) for t in ("description", "earliestdate", "latestdate")]
        result["timeframe"] = " / ".join(p for p in parts if p)
        origin["timeframe"] = "prospect/customer/timeframe"
    for child in customer:
        if isinstance(child.tag, str) and child.tag not in (
                "contact", "comments", "comment", "timeframe", "id"):
            extras[f"customer/{child.tag}"] = _text(child)
    if contact is not None:
        for child in contact:
            if isinstance(child.tag, str) and child.tag not in (
                    "name", "email", "phone", "cellphone", "mobile", "cell",
                    "international_phone", "address"):
                extras[f"customer/contact/{child.tag}"] = _text(child)
                if child.tag in ("locale", "language", "lang"):
                    result["lang"] = _text(child)
    return result


def _parse_vehicle(vehicle, index, extras):
    year = _text(vehicle.find("year"))
    price = vehicle.find("price")
    odometer = vehicle.find("odometer")
    interest = (vehicle.get("interest") or "buy").strip().lower()
    status = (vehicle.get("status") or "new").strip().lower()
    result = {
        "interest": "trade-in" if interest in TRADE_INTERESTS else interest,
        "status": status if status in ("new", "used") else "used" if status else "new",
        "year": int(year) if year.isdigit() and 1900 < int(year) < 2100 else 0,
        "make": _text(vehicle.find("make")),
        "model": _text(vehicle.find("model")),
        "trim": _text(vehicle.find("trim")),
        "vin": _text(vehicle.find("vin")).upper(),
        "stock": _text(vehicle.find("stock")),
        "price": _to_float(_text(price)),
        "price_type": (price.get("type") or "quote").lower() if price is not None else "",
        "odometer": int(_to_float(_text(odometer))),
        "odometer_units": (odometer.get("units") or "").lower() if odometer is not None else "",
        "comments": _multiline_text(vehicle.find("comments") or vehicle.find("comment")),
        "origin": f"prospect/vehicle[{index}]",
    }
    for child in vehicle:
        if isinstance(child.tag, str) and child.tag not in KNOWN_VEHICLE_TAGS:
            extras[f"vehicle[{index}]/{child.tag}"] = _text(child)
    return result


def _to_float(value):
    cleaned = re.sub(r"[^\d.,-]", "", value or "").replace(",", "")
    try:
        return float(cleaned) if cleaned else 0.0
    except ValueError:
        return 0.0


def _parse_prospect(prospect, version):
    extras, origin = {}, {}
    ids = [{
        "source": (node.get("source") or "").strip(),
        "sequence": (node.get("sequence") or "").strip(),
        "value": _text(node),
    } for node in prospect.findall("id") if _text(node)]
    if ids:
        origin["provider_lead_id"] = "prospect/id"
    date_node = prospect.find("requestdate")
    request_raw = _text(date_node)
    if request_raw:
        origin["request_date"] = "prospect/requestdate"
    customer = _parse_customer(prospect.find("customer"), extras, origin)
    vehicles = [_parse_vehicle(v, i, extras)
                for i, v in enumerate(prospect.findall("vehicle"), start=1)]
    if vehicles:
        origin["vehicles"] = "prospect/vehicle"
    vendor = prospect.find("vendor")
    provider = prospect.find("provider")
    vendor_contact = vendor.find("contact") if vendor is not None else None
    provider_ids = [_text(n) for n in provider.findall("id")] if provider is not None else []
    result = {
        "status": (prospect.get("status") or "new").strip().lower(),
        "request_date": parse_date(request_raw),
        "request_date_raw": request_raw,
        "ids": ids,
        "customer": customer,
        "vehicles": vehicles,
        "vendor": {
            "name": _text(vendor.find("vendorname")) if vendor is not None else "",
            "contact": _text(vendor_contact.find("name")) if vendor_contact is not None else "",
        },
        "provider": {
            "name": _text(provider.find("name")) if provider is not None else "",
            "service": _text(provider.find("service")) if provider is not None else "",
            "url": _text(provider.find("url")) if provider is not None else "",
            "email": _text(provider.find("email")) if provider is not None else "",
            "id": provider_ids[0] if provider_ids else "",
        },
        "extras": extras,
        "origin": origin,
        "adf_version": version,
    }
    if result["provider"]["name"]:
        origin["provider"] = "prospect/provider/name"
    for child in prospect:
        if isinstance(child.tag, str) and child.tag not in (
                "id", "requestdate", "vehicle", "customer", "vendor", "provider"):
            extras[child.tag] = _text(child)
    return result


def parse_adf(text):
    """Find and parse the ADF document in ``text``.

    :return: a list of prospect dicts (see the module docstring)
    :raise AdfError: with a readable reason when there is no usable ADF
    """
    if "\x00" in (text or ""):
        raise AdfError(_lt("The document contains a NUL character: it is not text."),
                       code="nul_byte")
    if ENTITY_RE.search(text or "") or ENTITY_RE.search(html.unescape(text or "")):
        # XXE and "billion laughs" both need entity declarations: refuse them outright
        raise AdfError(_lt("The document declares XML entities (refused for safety)."),
                       code="adf_entities")
    block = find_adf(text)
    if not block:
        raise AdfError(_lt("No ADF document (<adf>...</adf>) was found."), code="no_adf")
    root = parse_adf_root(block)
    version = adf_version(text) or root.get("version")
    prospects = [_parse_prospect(p, version) for p in root.findall("prospect")]
    if not prospects:
        raise AdfError(_lt("The ADF document has no <prospect>."), code="adf_no_prospect")
    return prospects


def provider_lead_id(prospect):
    """The provider's own id for the lead: the first ``<id>`` of the prospect, namespaced by its
    ``source`` attribute when it has one.
    """
    for ident in prospect.get("ids") or []:
        if ident.get("value"):
            return ident["value"][:128]
    return ""


def reachable(prospect):
    customer = prospect.get("customer") or {}
    return bool(customer.get("emails") or customer.get("phones"))

