"""inquiry.from_json: strict types, ranges and depth, each refusal with a stable code."""

import json

import pytest
from dealer_tools.inquiry import MAX_JSON_DEPTH, InquiryError, from_json, load_json_object

VALID = {
    "provider_lead_id": "WEB-1", "request_date": "2026-11-24T10:00:00-05:00",
    "provider": {"name": "Dealer website"},
    "customer": {"first_name": "Ana", "last_name": "Lee", "email": "Ana@Example.com",
                 "phones": [{"number": "647-555-0100", "type": "mobile"}],
                 "address": {"region": "ON", "country": "CA"},
                 "comments": "Is the blue one still there?"},
    "vehicles": [{"interest": "buy", "status": "new", "year": 2026, "make": "Mazda",
                  "model": "CX-5", "price": 42000},
                 {"interest": "trade-in", "year": 2016, "make": "Honda", "odometer": 141000}],
    "campaign": "winter",
}


def _with(path, value):
    data = json.loads(json.dumps(VALID))
    *parents, key = path.split(".")
    target = data
    for parent in parents:
        target = target[int(parent)] if parent.isdigit() else target[parent]
    target[int(key) if key.isdigit() else key] = value
    return json.dumps(data)


def _error(payload):
    with pytest.raises(InquiryError) as caught:
        from_json(payload)
    return caught.value


def test_valid_body_is_a_typed_inquiry():
    inquiry = from_json(json.dumps(VALID), default_lang="en_US")
    assert inquiry.name == "Ana Lee"
    assert inquiry.emails == ("ana@example.com",)
    assert inquiry.phones[0].e164 == "+16475550100"
    assert inquiry.lang == "en_US"
    assert inquiry.wanted_vehicle.model == "CX-5"
    assert inquiry.vehicles[1].is_trade_in
    assert inquiry.vehicles[0].price == 42000.0
    assert inquiry.request_date.hour == 15
    assert inquiry.provider_name == "Dealer website"
    assert inquiry.extras == {"campaign": "winter"}


def test_a_numeric_provider_lead_id_is_kept_as_text():
    assert from_json(_with("provider_lead_id", 12345)).provider_lead_id == "12345"


def test_an_already_decoded_object_is_accepted():
    assert from_json(dict(VALID)).provider_lead_id == "WEB-1"


@pytest.mark.parametrize(("payload", "code"), [
    ('{"customer": ', "not_json"),
    ("[1, 2]", "json_not_object"),
    ('"text"', "json_not_object"),
    ('{"price": NaN}', "out_of_range"),
    ('{"price": Infinity}', "out_of_range"),
    ('{"customer": {"name": 1e999}}', "wrong_type"),
    ('{"n": ' + "9" * 5000 + "}", "out_of_range"),
])
def test_bodies_that_are_not_a_json_object(payload, code):
    assert _error(payload).code == code


@pytest.mark.parametrize(("path", "value", "field"), [
    ("customer", [1, 2], "customer"),
    ("customer.first_name", 42, "customer.first_name"),
    ("customer.email", ["a@b.ca"], "customer.email"),
    ("customer.phones", "514", "customer.phones"),
    ("customer.phones.0", "514 555 0142", "customer.phones[0]"),
    ("customer.phones.0.number", 5145550142, "customer.phones[0].number"),
    ("customer.phones.0.preferred", "yes", "customer.phones[0].preferred"),
    ("customer.address", "1 King St", "customer.address"),
    ("customer.address.city", {"name": "Laval"}, "customer.address.city"),
    ("vehicles", {"make": "Mazda"}, "vehicles"),
    ("vehicles.0.year", "2026", "vehicles[0].year"),
    ("vehicles.0.year", True, "vehicles[0].year"),
    ("vehicles.0.price", "42000", "vehicles[0].price"),
    ("vehicles.0.odometer", 12.5, "vehicles[0].odometer"),
    ("vehicles.0.make", None, None),
    ("provider", 7, "provider"),
    ("request_date", 20261124, "request_date"),
])
def test_wrong_types_name_the_field(path, value, field):
    payload = _with(path, value)
    if field is None:
        assert from_json(payload).vehicles[0].make == ""
        return
    error = _error(payload)
    assert (error.code, error.params["field"]) == ("wrong_type", field)
    assert field in str(error)


@pytest.mark.parametrize(("path", "value"), [
    ("vehicles.0.year", 1899), ("vehicles.0.year", 2101), ("vehicles.0.year", 10**12),
    ("vehicles.0.price", -1), ("vehicles.0.price", 1e9 + 1),
    ("vehicles.0.odometer", -5), ("vehicles.0.odometer", 10**9),
])
def test_out_of_range_numbers(path, value):
    error = _error(_with(path, value))
    assert error.code == "out_of_range"
    assert "between" in str(error)


def test_nesting_deeper_than_the_limit_is_too_deep():
    nested = {"a": 1}
    for _ in range(MAX_JSON_DEPTH):
        nested = {"a": nested}
    assert _error(json.dumps(nested)).code == "too_deep"


def test_nesting_that_would_exhaust_the_recursion_is_too_deep():
    assert _error("[" * 200_000 + "]" * 200_000).code == "too_deep"
    assert _error('{"a":' * 200_000 + "1" + "}" * 200_000).code == "too_deep"


def test_nesting_at_the_limit_is_accepted():
    nested = 1
    for _ in range(MAX_JSON_DEPTH):
        nested = {"a": nested}
    assert load_json_object(json.dumps(nested))["a"]


def test_too_many_phones_is_refused():
    phones = [{"number": "514 555 0142"}] * 21
    assert _error(_with("customer.phones", phones)).code == "too_many_items"


def test_error_messages_are_english_and_never_python_text():
    for payload in ('{"customer": ', _with("vehicles.0.year", "2026"), "[" * 100_000):
        message = str(_error(payload))
        assert "Traceback" not in message and "object of type" not in message
        assert message[0].isupper() or message[0] == "'"
