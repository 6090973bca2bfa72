"""Join/resume tokens, message validation, settings, TURN credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import jwt
import pytest
from gw_helpers import SECRET, new_room, token

from video_gateway.protocol import ProtocolError, RateLimiter, parse_client_message
from video_gateway.settings import Settings, SettingsError
from video_gateway.tokens import (
    TokenError,
    mint_join_token,
    mint_resume_token,
    verify_join_token,
    verify_resume_token,
)
from video_gateway.turn import ice_servers, turn_credentials


def test_valid_join_token_gives_room_role_and_language() -> None:
    room = new_room()
    claims = verify_join_token(token(room, lang="en", rec=True), SECRET)
    assert (claims.room, claims.role, claims.lang, claims.rec, claims.lead) == (
        room, "customer", "en", True, 42)


def test_forged_token_is_refused_as_bad_signature() -> None:
    forged = mint_join_token("another-secret-" + "y" * 40, room=new_room(), role="customer")
    with pytest.raises(TokenError) as err:
        verify_join_token(forged, SECRET)
    assert err.value.reason == "bad_signature"


def test_expired_token_is_refused() -> None:
    old = mint_join_token(SECRET, room=new_room(), role="customer", ttl=60,
                          now=time.time() - 3600)
    with pytest.raises(TokenError) as err:
        verify_join_token(old, SECRET)
    assert err.value.reason == "expired"


def test_alg_none_token_is_refused() -> None:
    payload = jwt.decode(token(new_room()), options={"verify_signature": False})
    unsigned = jwt.encode(payload, None, algorithm="none")
    with pytest.raises(TokenError):
        verify_join_token(unsigned, SECRET)


def test_token_for_another_audience_is_refused() -> None:
    payload = jwt.decode(token(new_room()), options={"verify_signature": False})
    other = jwt.encode(dict(payload, aud="something-else"), SECRET.encode(), algorithm="HS256")
    with pytest.raises(TokenError):
        verify_join_token(other, SECRET)


def test_guessable_room_id_is_refused() -> None:
    with pytest.raises(TokenError):
        verify_join_token(mint_join_token(SECRET, room="42", role="customer"), SECRET)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(TokenError):
        verify_join_token(mint_join_token(SECRET, room=new_room(), role="admin"), SECRET)


def test_join_token_is_not_a_resume_token_and_vice_versa() -> None:
    join = token(new_room())
    with pytest.raises(TokenError):
        verify_resume_token(join, SECRET)
    claims = verify_join_token(join, SECRET)
    resume = mint_resume_token(claims, "inst", "seat", SECRET, 3600)
    with pytest.raises(TokenError):
        verify_join_token(resume, SECRET)
    assert verify_resume_token(resume, SECRET).seat == "seat"


def test_odoo_style_token_with_str_key_verifies() -> None:
    """Odoo signs with the secret's UTF-8 bytes: PyJWT with the same str key agrees."""
    payload = jwt.decode(token(new_room()), options={"verify_signature": False})
    assert verify_join_token(jwt.encode(payload, SECRET, algorithm="HS256"), SECRET).lead == 42


# ---------------------------------------------------------------- protocol
def test_non_json_message_is_refused_with_a_reason() -> None:
    with pytest.raises(ProtocolError) as err:
        parse_client_message("{nope")
    assert err.value.code == "bad_message"


def test_unknown_message_type_is_refused() -> None:
    with pytest.raises(ProtocolError) as err:
        parse_client_message('{"type": "list_rooms"}')
    assert err.value.code == "unknown_type"


def test_oversized_sdp_is_refused() -> None:
    with pytest.raises(ProtocolError):
        parse_client_message('{"type":"offer","epoch":1,"sdp":"v=0' + "a" * 70000 + '"}')


def test_callback_time_needs_a_timezone_and_is_normalised_to_utc() -> None:
    parsed = parse_client_message('{"type":"callback_time","at":"2026-11-23T10:00:00-05:00"}')
    assert parsed.fields["at"] == "2026-11-23T15:00:00Z"
    with pytest.raises(ProtocolError):
        parse_client_message('{"type":"callback_time","at":"2026-11-23T10:00:00"}')


def test_rate_limiter_allows_bursts_then_refuses() -> None:
    limiter = RateLimiter(rate=10, burst=5)
    assert all(limiter.allow(100.0) for _ in range(5))
    assert not limiter.allow(100.0)
    assert limiter.allow(100.2)


# ---------------------------------------------------------------- settings and TURN
def test_defaults_are_safe_for_development() -> None:
    settings = Settings.from_env({})
    assert (settings.host, settings.port, settings.redis_url) == ("127.0.0.1", 8765, "")
    assert len(settings.secret) >= 32


def test_production_requires_the_shared_secret() -> None:
    with pytest.raises(SettingsError, match="GATEWAY_SECRET"):
        Settings.from_env({"GATEWAY_ENV": "production",
                           "GATEWAY_PUBLIC_URL": "https://v.example",
                           "GATEWAY_ODOO_URL": "http://odoo:8069"})


def test_turn_urls_without_secret_are_refused() -> None:
    with pytest.raises(SettingsError, match="GATEWAY_TURN_SECRET"):
        Settings.from_env({"GATEWAY_TURN_URLS": "turn:turn.example:3478"})


def test_bad_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="GATEWAY_RING_TIMEOUT"):
        Settings.from_env({"GATEWAY_RING_TIMEOUT": "soon"})


def test_turn_credentials_follow_the_turn_rest_scheme() -> None:
    username, password = turn_credentials("turn-secret", "room-customer", 600, 1000)
    assert username == "1600:room-customer"
    expected = base64.b64encode(
        hmac.new(b"turn-secret", username.encode(), hashlib.sha1).digest()).decode()
    assert password == expected


def test_ice_servers_never_contain_the_turn_secret() -> None:
    settings = Settings.from_env({"GATEWAY_TURN_URLS": "turn:t.example:3478",
                                  "GATEWAY_TURN_SECRET": "s3cr3t-turn"})
    servers = ice_servers(settings, new_room(), "customer", time.time())
    assert servers[0]["urls"] == ["turn:t.example:3478"]
    assert "s3cr3t-turn" not in repr(servers)


def test_token_issued_in_the_future_is_refused() -> None:
    link = mint_join_token(SECRET, room=new_room(), role="customer", now=time.time() + 600)
    with pytest.raises(TokenError) as err:
        verify_join_token(link, SECRET, time.time())
    assert err.value.reason == "issued_in_future"


def test_join_token_living_longer_than_seven_days_is_refused() -> None:
    link = mint_join_token(SECRET, room=new_room(), role="customer", ttl=8 * 86400)
    with pytest.raises(TokenError) as err:
        verify_join_token(link, SECRET)
    assert err.value.reason == "lifetime_too_long"


def test_resume_token_carries_no_lead_id() -> None:
    claims = verify_join_token(token(new_room(), lead=987654), SECRET)
    resume = mint_resume_token(claims, "inst", "seat", SECRET, 4 * 3600)
    payload = jwt.decode(resume, options={"verify_signature": False})
    assert "lead" not in payload
    assert "987654" not in str(payload)


def test_resume_token_outlives_a_short_advisor_link() -> None:
    now = time.time()
    link = token(new_room(), "advisor", ttl=1800, now=now)
    claims = verify_join_token(link, SECRET, now)
    resume = mint_resume_token(claims, "inst", "seat", SECRET, 4 * 3600, now)
    later = verify_resume_token(resume, SECRET, now + 3 * 3600)  # the link died long ago
    assert (later.role, later.seat, later.instance) == ("advisor", "seat", "inst")


def test_customer_resume_token_lives_as_long_as_the_join_link() -> None:
    now = time.time()
    claims = verify_join_token(token(new_room(), ttl=48 * 3600, now=now), SECRET, now)
    resume = mint_resume_token(claims, "inst", "seat", SECRET, 4 * 3600, now)
    later = verify_resume_token(resume, SECRET, now + 47 * 3600)
    assert later.link_exp == claims.exp, "the link's expiry bounds a reopen"
    renewed = mint_resume_token(later, "inst-2", "seat-2", SECRET, 4 * 3600, now + 47 * 3600)
    assert verify_resume_token(renewed, SECRET, now + 47 * 3600).link_exp == claims.exp


def test_deeply_nested_json_is_a_bad_message() -> None:
    with pytest.raises(ProtocolError) as err:
        parse_client_message("[" * 100000 + "]" * 100000)
    assert err.value.code == "bad_message"


def test_production_without_redis_needs_a_state_directory() -> None:
    env = {"GATEWAY_ENV": "production", "GATEWAY_SECRET": "s" * 40,
           "GATEWAY_PUBLIC_URL": "https://video.example", "GATEWAY_ODOO_URL": "http://odoo"}
    with pytest.raises(SettingsError, match="GATEWAY_STATE_DIR"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "GATEWAY_STATE_DIR": "/var/lib/vg"}).state_dir
