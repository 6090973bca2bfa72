import base64
import hashlib
import hmac
import json
import uuid

from odoo.addons.dealer_lead_addon.tests.common_intake import DealerIntakeCommon

SECRET = "test-video-secret-0123456789-abcdefghijkl"
GATEWAY = "https://video.autolaval.example"


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode_join_token(url, secret=SECRET):
    """Verify and decode a join link independently of the addon (HS256 by hand)."""
    assert url.startswith(f"{GATEWAY}/join/"), url
    token = url.rsplit("/", 1)[1]
    header, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(expected, b64url_decode(signature)), "bad token signature"
    assert json.loads(b64url_decode(header)) == {"typ": "JWT", "alg": "HS256"}
    return json.loads(b64url_decode(payload))


def sign_callback(body, timestamp, secret=SECRET):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class DealerVideoCommon(DealerIntakeCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", GATEWAY + "/")
        icp.set_param("dealer_lead_addon.video_secret", SECRET)
        icp.set_param("dealer_lead_addon.video_link_hours", "48")
        cls.lead = cls._video_lead(cls.sales_1)

    @classmethod
    def _video_lead(cls, user):
        return cls.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Civic 2024", "contact_name": "Sophie Tremblay", "phone": "+15145550199",
            "team_id": cls.team.id, "user_id": user.id if user else False,
            "lang_id": cls.env["res.lang"].with_context(active_test=False).search(
                [("code", "=", "en_US")]).id,
        })

    def _follow(self, short_url):
        """The join link a customer's short link ``/v/<code>`` redirects to."""
        base, code = short_url.rsplit("/v/", 1)
        self.assertEqual(base, self.lead.get_base_url())
        status, url = self.env["dealer.video.link"]._dealer_resolve(code)
        self.assertEqual(status, "ok", short_url)
        return url

    def _customer_claims(self, short_url):
        """The claims of the join token behind a customer's short link."""
        return decode_join_token(self._follow(short_url))

    def _session(self, lead=None):
        lead = lead or self.lead
        lead._dealer_video_mint_customer_url()
        return lead.dealer_video_session_ids[:1]

    def _body(self, session, event, event_id=None, **extra):
        data = {"event_id": event_id or str(uuid.uuid4()), "event": event, "room": session.room,
                "lead": session.lead_id.id, "at": "2026-11-24T15:00:00Z", **extra}
        return json.dumps(data).encode()

    def _receive(self, session, event, event_id=None, **extra):
        return self.env["dealer.video.event"]._dealer_receive(
            self._body(session, event, event_id, **extra))
