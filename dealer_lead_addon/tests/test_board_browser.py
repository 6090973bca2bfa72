from odoo.tests import HttpCase, new_test_user, tagged

KEY = "test-key-tour-0123456789"  # also in static/tests/tours/dealer_lead_board_tour.js


def hoot_hash(name):
    """The id Hoot gives a suite (see web/tests/test_js.py), to run only this addon's."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestBoardTour(HttpCase):
    """In Chromium: a salesperson of an up-for-grabs team has the board open, an inquiry
    arrives through the intake API, the lead appears on the board through the bus, and the
    salesperson claims it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"country_id": cls.env.ref("base.ca").id,
                               "dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0})
        cls.team = cls.env["crm.team"].create({"name": "Ventes", "dealer_up_for_grabs": True})
        cls.marc = new_test_user(
            cls.env, login="marc", name="Marc Gagnon", tz="America/Montreal",
            groups="dealer_lead_addon.group_dealer_lead_salesperson")
        cls.env["crm.team.member"].create({"crm_team_id": cls.team.id, "user_id": cls.marc.id})
        cls.env["dealer.sla.policy"].create({
            "name": "Web", "team_id": cls.team.id, "first_response_minutes": 10,
            "hours_mode": "always", "prewarn_minutes": 0})
        cls.source = cls.env["dealer.lead.source"].create({
            "name": "Dealer site", "code": "tour", "team_id": cls.team.id,
            "default_lang": "en_US"})
        cls.source._dealer_set_api_key(KEY)

    def test_new_lead_appears_on_the_board_and_is_claimed(self):
        self.start_tour(
            "/odoo/action-dealer_lead_addon.dealer_lead_board_action",
            "dealer_lead_board_claim", login="marc", timeout=60)
        lead = self.env["crm.lead"].search([("dealer_provider_lead_id", "=", "TOUR-1")])
        self.assertEqual((lead.user_id, lead.dealer_claimed_by_id), (self.marc, self.marc))


@tagged("post_install", "-at_install")
class TestBoardHoot(HttpCase):
    """The Hoot tests of the board and leaderboard components, in headless Chromium."""

    def test_board_components(self):
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
            f"&id={hoot_hash('@dealer_lead_addon')}",
            "", "", login="admin", timeout=600,
            success_signal="[HOOT] Test suite succeeded")
