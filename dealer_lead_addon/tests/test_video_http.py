import json
import time
import uuid

from odoo.tests import HttpCase, freeze_time, tagged

from odoo.addons.dealer_lead_addon.tests.common_intake import OPEN_NOW
from odoo.addons.dealer_lead_addon.tests.common_video import (
    GATEWAY,
    SECRET,
    sign_callback,
)

URL = "/dealer_lead/video/event"


@freeze_time(OPEN_NOW)  # the events happen "at" 2026-11-24 15:00 UTC
@tagged("post_install", "-at_install")
class TestVideoCallbackHttp(HttpCase):
    """``POST /dealer_lead/video/event`` as the gateway calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", GATEWAY)
        icp.set_param("dealer_lead_addon.video_secret", SECRET)
        cls.lead = cls.env["crm.lead"].with_context(dealer_intake_skip=True).create({
            "name": "Civic 2024", "contact_name": "Sophie Tremblay",
            "user_id": cls.env.ref("base.user_admin").id})
        cls.session = cls.env["dealer.video.session"].create({"lead_id": cls.lead.id})

    def _body(self, event_id=None, **extra):
        return json.dumps({
            "event_id": event_id or str(uuid.uuid4()), "event": "no_answer",
            "room": self.session.room, "lead": self.lead.id, "at": "2026-11-24T15:00:00Z",
            **extra}).encode()

    def _post(self, body, timestamp=None, signature=None):
        timestamp = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": "application/json", "X-Dealer-Timestamp": str(timestamp),
                   "X-Dealer-Signature": signature or sign_callback(body, timestamp)}
        response = self.url_open(URL, data=body, headers=headers)
        self.env.invalidate_all()
        return response

    def test_signed_event_is_accepted_and_processed(self):
        response = self._post(self._body(callback_time="2026-11-25T19:30:00Z"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"ok": True})
        self.assertEqual(self.session.state, "no_answer")
        self.assertEqual(len(self.lead.activity_ids), 1)

    def test_forged_signature_is_refused_before_anything_is_stored(self):
        body = self._body()
        forged = sign_callback(body, int(time.time()), secret="not-the-shared-secret-000000000")
        response = self._post(body, signature=forged)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"error": "bad signature"})
        self.assertFalse(self.env["dealer.video.event"].search_count([]))
        self.assertEqual(self.session.state, "waiting")

    def test_missing_signature_is_refused(self):
        response = self.url_open(URL, data=self._body(),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"error": "missing signature"})

    def test_stale_timestamp_is_refused_even_when_signed(self):
        response = self._post(self._body(), timestamp=int(time.time()) - 600)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"error": "stale timestamp"})
        self.assertEqual(self.session.state, "waiting")

    def test_malformed_body_is_answered_400_with_a_reason(self):
        response = self._post(b'{"event_id": "evt-bad", "event": "no_answer"}')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "missing room"})
        event = self.env["dealer.video.event"].search([("event_id", "=", "evt-bad")])
        self.assertEqual(event.state, "quarantined", "kept, visible")

    def test_replayed_event_is_answered_200_and_changes_nothing(self):
        body = self._body(event_id="evt-replay")
        self.assertEqual(self._post(body).status_code, 200)
        response = self._post(body)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.lead.activity_ids), 1, "one call activity, not two")
        self.assertEqual(self.env["dealer.video.event"].search_count(
            [("event_id", "=", "evt-replay")]), 1)
