import json
import time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_texting import DealerTextingCommon
from .common_video import DealerVideoCommon, sign_callback

VIDEO_URL = "/dealer_lead/video/event"


@tagged("post_install", "-at_install")
class TestGuardUnsubscribeRefusals(DealerTextingCommon, HttpCase):
    """A malformed unsubscribe link is a clear 403, never a server error."""

    def _get(self, **params):
        return self.url_open("/dealer_lead/unsubscribe", params=dict(
            {"email": "sophie@example.ca", "expires": "9999999999", "lang": "fr"}, **params))

    def test_non_ascii_token_is_refused_as_forged(self):
        response = self._get(token="é" * 43)
        self.assertEqual(response.status_code, 403)
        self.assertIn("pas valide", response.text)

    def test_non_ascii_expiry_is_refused_as_forged(self):
        self.assertEqual(self._get(expires="١٢٣٤٥", token="x").status_code, 403)

    def test_refused_link_opts_nobody_out(self):
        self._get(token="é" * 43)
        self.assertFalse(self.env["mail.blacklist"].sudo().search(
            [("email", "=", "sophie@example.ca")]))


@tagged("post_install", "-at_install")
class TestGuardVideoCallbackRefusals(DealerVideoCommon, HttpCase):
    """A video callback whose timestamp is not unix seconds is a 400, never a 500."""

    def _post(self, timestamp, body=b"{}"):
        return self.url_open(VIDEO_URL, data=body, headers={
            "Content-Type": "application/json", "X-Dealer-Timestamp": timestamp,
            "X-Dealer-Signature": sign_callback(body, timestamp)})

    @mute_logger("odoo.addons.dealer_lead_addon.controllers.video")
    def test_a_400_digit_timestamp_is_a_400(self):
        response = self._post("9" * 400)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"error": "bad timestamp"})

    @mute_logger("odoo.addons.dealer_lead_addon.controllers.video")
    def test_a_timestamp_in_other_digits_is_a_400(self):
        # sent as UTF-8 bytes, as a client may
        response = self.url_open(VIDEO_URL, data=b"{}", headers={
            "Content-Type": "application/json",
            "X-Dealer-Timestamp": "１７００００００００".encode(), "X-Dealer-Signature": "0" * 64})
        self.assertEqual(response.status_code, 400)

    @mute_logger("odoo.addons.dealer_lead_addon.controllers.video")
    def test_a_negative_timestamp_is_a_400(self):
        self.assertEqual(self._post("-1").status_code, 400)

    @mute_logger("odoo.addons.dealer_lead_addon.controllers.video",
                 "odoo.addons.dealer_lead_addon.models.dealer_raw_inbox_mixin")
    def test_an_event_date_out_of_range_is_a_400(self):
        session = self._session()
        body = json.dumps({"event_id": "e-range", "event": "no_answer", "room": session.room,
                           "lead": self.lead.id, "at": "0001-01-01T00:00:00+05:00"}).encode()
        now = str(int(time.time()))
        response = self._post(now, body)
        self.assertEqual(response.status_code, 400)
