from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestQuietHoursSettingsLabels(TransactionCase):
    """The two quiet-hours hours are the sending window: the settings say so."""

    def test_fields_are_labelled_as_the_sending_window(self):
        for model in ("res.company", "res.config.settings"):
            fields = self.env[model].fields_get(
                ["dealer_quiet_hour_start", "dealer_quiet_hour_end"], ["string", "help"])
            self.assertEqual(fields["dealer_quiet_hour_start"]["string"], "Texts Sent From")
            self.assertEqual(fields["dealer_quiet_hour_end"]["string"], "Texts Sent Until")
            self.assertIn("Start of the sending window", fields["dealer_quiet_hour_start"]["help"])

    def test_settings_page_reads_texts_may_be_sent_from_to(self):
        arch = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        self.assertIn("Sending Window for Texts", arch)
        self.assertIn("Texts may be sent from", arch)
        self.assertNotIn('string="Quiet Hours"', arch)
