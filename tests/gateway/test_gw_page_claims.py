"""Display claims of the page (vehicle, logo, advisor photo): optional, checked, and kept
across a reconnect."""

from __future__ import annotations

from gw_helpers import SECRET, new_room, token

from video_gateway.pages import Pages
from video_gateway.settings import Settings
from video_gateway.tokens import mint_resume_token, verify_join_token, verify_resume_token


def test_display_claims_are_optional() -> None:
    claims = verify_join_token(token(new_room()), SECRET)
    assert (claims.vehicle, claims.logo, claims.photo) == ("", "", "")


def test_image_claims_must_be_http_urls() -> None:
    for bad in ("javascript:alert(1)", "data:image/png;base64,AAAA", "//evil.example/x.png",
                "https://odoo.example/x.png\" onerror=\"x", "https://" + "a" * 600 + "/x"):
        claims = verify_join_token(token(new_room(), logo=bad, photo=bad), SECRET)
        assert (claims.logo, claims.photo) == ("", ""), bad


def test_a_resume_token_keeps_the_display_claims() -> None:
    claims = verify_join_token(token(new_room(), "advisor", vehicle="Civic 2024",
                                     photo="https://odoo.example/p/7.png"), SECRET)
    resumed = verify_resume_token(
        mint_resume_token(claims, "inst", "seat", SECRET, 3600), SECRET)
    assert (resumed.vehicle, resumed.photo) == ("Civic 2024", "https://odoo.example/p/7.png")


def test_the_page_allows_images_from_the_logos_origin_only() -> None:
    pages = Pages(Settings.from_env({"GATEWAY_SECRET": SECRET}))
    link = token(new_room(), logo="https://odoo.dealer.example/logo.png?company=1")
    response = pages.join_page(link, now=None)
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://odoo.dealer.example;" in csp
    assert b'src="https://odoo.dealer.example/logo.png?company=1"' in response.body
    plain = pages.join_page(token(new_room()), now=None).headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in plain
