from odoo.tests import HttpCase, tagged

# Hoot's id of the suite of static/tests/realtime (see web/tests/test_js.py)
SUITE = "@dealer_lead_addon/realtime"


def _hoot_id(name):
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestRealtimeServiceJs(HttpCase):
    """The web client's alert service, in Odoo's own JavaScript test framework (Hoot)."""

    def test_realtime_service_hoot(self):
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={_hoot_id(SUITE)}",
            "", "", login="admin", timeout=600, success_signal="[HOOT] Test suite succeeded")
