import logging
from datetime import datetime

from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common_sla import TUESDAY_10AM, DealerSlaCommon

DEADLINE = datetime(2026, 11, 24, 15, 10)
NEW_DEADLINE = datetime(2026, 11, 24, 15, 5)


@tagged("post_install", "-at_install")
class TestSlaPolicyReplanConfirmation(DealerSlaCommon):
    """Editing the targets of a policy whose clocks are running says how many clocks would
    move and asks before re-planning them."""

    def setUp(self):
        super().setUp()
        self.lead = self._lead_with_clock(TUESDAY_10AM, user=self.sales_1)
        self.clock = self.lead.dealer_sla_clock_ids

    def _ask(self, vals):
        with self.assertRaises(RedirectWarning) as caught:
            self.policy.write(vals)
        message, action, _button, _context = caught.exception.args
        self.assertEqual(caught.exception.loglevel, logging.INFO, "a question, not an error")
        return message, self.env[action["res_model"]].with_context(**action["context"]).create({})

    def test_target_change_with_running_clocks_asks_and_saves_nothing(self):
        message, _wizard = self._ask({"first_response_minutes": 5})
        self.assertIn("1 running response clock", message)
        self.env.invalidate_all()
        self.assertEqual(self.policy.first_response_minutes, 10)
        self.assertEqual(self.clock.deadline, DEADLINE)

    def test_confirmation_tells_how_many_clocks_move(self):
        self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        _message, wizard = self._ask({"first_response_minutes": 5})
        self.assertEqual(wizard.clock_count, 2)
        self.assertIn("2 running response clock(s)", wizard.message)

    def test_save_and_replan_moves_the_running_deadlines(self):
        _message, wizard = self._ask({"first_response_minutes": 5, "prewarn_minutes": 2})
        wizard.action_save_and_replan()
        self.assertEqual(self.policy.first_response_minutes, 5)
        self.assertEqual(self.clock.deadline, NEW_DEADLINE)

    def test_keep_deadlines_applies_the_targets_to_new_leads_only(self):
        _message, wizard = self._ask({"first_response_minutes": 5, "prewarn_minutes": 2})
        wizard.action_save_keep_deadlines()
        self.assertEqual(self.policy.first_response_minutes, 5)
        self.assertEqual(self.clock.deadline, DEADLINE)
        new_lead = self._lead_with_clock(TUESDAY_10AM, user=self.sales_2)
        self.assertEqual(new_lead.dealer_sla_clock_ids.deadline, NEW_DEADLINE)

    def test_renaming_or_saving_the_same_targets_asks_nothing(self):
        self.policy.write({"name": "Ventes web", "first_response_minutes": 10})
        self.assertEqual(self.policy.name, "Ventes web")

    def test_without_running_clocks_the_change_is_saved_directly(self):
        self.clock.sudo()._dealer_close()
        self.policy.write({"first_response_minutes": 5, "prewarn_minutes": 2})
        self.assertEqual(self.policy.first_response_minutes, 5)
