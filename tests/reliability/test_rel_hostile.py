"""An attacker (or a broken provider) with a valid key: every hostile body gets a readable 4xx
with a stable error code, never a 5xx nor internal text, and the body is kept for a person."""

import http.client
import json
import re

import pytest
from rel_leads import new_customer, post_intake
from rel_odoo import INTERNAL_MARKERS

ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _valid(phone, **vehicle):
    return {"provider_lead_id": f"HOSTILE-{phone}",
            "customer": {"first_name": "Eve", "phones": [{"number": phone, "type": "mobile"}]},
            "vehicles": [{"interest": "buy", "year": 2024, "make": "Kia", "model": "EV9",
                          **vehicle}]}


def _json(data):
    return json.dumps(data).encode()


def _hostile_bodies():
    """(case, body, content type), each body otherwise a usable inquiry where it can be."""
    phone = lambda: new_customer()[0]
    valid = _json(_valid("+15145550100"))
    return [
        ("unclosed_adf_256k", b"<?xml version='1.0'?><adf><prospect><customer><comments>"
         + b"x" * (256 * 1024), "application/xml"),
        ("nul_byte", valid.replace(b'"Eve"', b'"E\x00ve"'), "application/json"),
        ("utf16", json.dumps(_valid(phone())).encode("utf-16"), "application/json"),
        ("invalid_utf8", _json(_valid(phone())).replace(b'"Eve"', b'"\xff\xfe\xc3("'),
         "application/json"),
        ("customer_not_object", _json({"customer": "x"}), "application/json"),
        ("phones_not_list", _json({"customer": {"phones": 5}}), "application/json"),
        ("year_1e400", _json(_valid(phone())).replace(b'"year": 2024', b'"year": 1e400'),
         "application/json"),
        ("price_negative", _json(_valid(phone(), price=-1)), "application/json"),
        ("year_huge_int", _json(_valid(phone())).replace(
            b'"year": 2024', b'"year": 99999999999999999999'), "application/json"),
        ("deep_nesting", b"[" * 100000, "application/json"),
    ]


HOSTILE = _hostile_bodies()


def _assert_readable_4xx(answer):
    assert 400 <= answer.status < 500, (answer.status, answer.body[:300])
    assert answer.is_json(), answer.body[:300]
    payload = answer.json
    assert ERROR_CODE.match(str(payload.get("error") or "")), payload
    text = answer.body.decode("utf-8", "replace")
    leaked = [marker for marker in INTERNAL_MARKERS if marker in text]
    assert not leaked, (leaked, text[:500])
    return payload


@pytest.mark.parametrize(("body", "content_type"), [(b, c) for _n, b, c in HOSTILE],
                         ids=[name for name, _b, _c in HOSTILE])
def test_hostile_body_is_refused_readably_and_kept(odoo, body, content_type):
    answer = post_intake(odoo, "web", body, content_type)
    payload = _assert_readable_4xx(answer)
    # an authenticated provider's refused content is kept, quarantined, for a person to fix
    intake_id = payload.get("intake_id")
    assert isinstance(intake_id, int), payload
    rows = odoo.sql(f"""
        SELECT state, reason_code, reason_template AS reason, length(raw_payload) AS raw_length,
               (SELECT count(*) FROM ir_attachment a
                 WHERE a.res_model = 'dealer.lead.intake' AND a.res_id = i.id) AS attachments
          FROM dealer_lead_intake i WHERE id = {intake_id}""")
    assert len(rows) == 1
    assert rows[0]["state"] == "quarantined", rows
    assert rows[0]["reason"]
    assert (rows[0]["raw_length"] or 0) > 0 or rows[0]["attachments"], rows


def _post_chunked(odoo, size, chunk=64 * 1024):
    conn = http.client.HTTPConnection("127.0.0.1", odoo.server.port, timeout=120)
    try:
        conn.putrequest("POST", "/dealer_lead/intake/web")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Authorization", f"Bearer {odoo.api_keys['web']}")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        head = b'{"customer": {"comments": "'
        data = head + b"a" * (size - len(head))
        try:
            for start in range(0, len(data), chunk):
                part = data[start:start + chunk]
                conn.send(f"{len(part):X}\r\n".encode() + part + b"\r\n")
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything: that is fine
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_ten_megabyte_chunked_body_is_413_and_stored_at_most_once_truncated(odoo):
    source_id = odoo.ids["source_ids"]["web"]
    before = odoo.sql(f"SELECT coalesce(max(id), 0) AS id FROM dealer_lead_intake "
                      f"WHERE source_id = {source_id}")[0]["id"]
    size = 10 * 1024 * 1024
    status, headers, body = _post_chunked(odoo, size)

    assert status == 413, (status, body[:300])
    assert "json" in headers.get("Content-Type", "")
    payload = json.loads(body)
    assert ERROR_CODE.match(str(payload.get("error") or "")), payload
    stored = odoo.sql(f"""
        SELECT id, length(raw_payload) AS raw_length FROM dealer_lead_intake
         WHERE source_id = {source_id} AND id > {before}""")
    assert len(stored) <= 1, stored
    assert all((row["raw_length"] or 0) < size for row in stored), stored
