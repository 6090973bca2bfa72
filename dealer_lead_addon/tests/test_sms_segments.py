from odoo.tests import TransactionCase, tagged

from odoo.addons.dealer_lead_addon.tools.sms_segments import sms_segments


@tagged("post_install", "-at_install")
class TestSmsSegments(TransactionCase):
    """Segment counts as carriers bill them (GSM 03.38 / UCS-2)."""

    def test_160_plain_characters_fit_in_one_segment(self):
        info = sms_segments("a" * 160)
        self.assertEqual((info.encoding, info.units, info.segments), ("GSM-7", 160, 1))

    def test_161_plain_characters_take_two_parts_of_153(self):
        self.assertEqual(sms_segments("a" * 161).segments, 2)
        self.assertEqual(sms_segments("a" * 306).segments, 2)
        self.assertEqual(sms_segments("a" * 307).segments, 3)

    def test_e_acute_and_a_grave_stay_gsm7(self):
        info = sms_segments("Essai routier confirmé à 10 h; Éric vous attend où vous voulez. "
                            "Très bien")
        self.assertEqual(info.encoding, "GSM-7")

    def test_french_letters_and_curly_quotes_force_ucs2(self):
        for char in ("ê", "ç", "œ", "’", "«", "â", "î", "ô", "û"):
            info = sms_segments(f"Bonjour {char}")
            self.assertEqual((info.encoding, info.ucs2_chars), ("UCS-2", char), char)

    def test_ucs2_fits_70_then_67_per_part(self):
        self.assertEqual(sms_segments("ê" * 70).segments, 1)
        self.assertEqual(sms_segments("ê" * 71).segments, 2)
        self.assertEqual(sms_segments("ê" * 134).segments, 2)
        self.assertEqual(sms_segments("ê" * 135).segments, 3)

    def test_extension_characters_count_twice(self):
        info = sms_segments("€" * 80)
        self.assertEqual((info.encoding, info.units, info.segments), ("GSM-7", 160, 1))
        self.assertEqual(sms_segments("€" * 81).segments, 2)

    def test_an_escape_pair_never_straddles_two_parts(self):
        # 152 septets then '€' (2): 154 > 153, so the euro opens part 2
        self.assertEqual(sms_segments("a" * 152 + "€" + "a" * 151).segments, 2)
        self.assertEqual(sms_segments("a" * 152 + "€" + "a" * 152).segments, 3)

    def test_an_emoji_counts_two_utf16_units(self):
        info = sms_segments("Votre auto est prête 🚗")
        self.assertEqual((info.encoding, info.units), ("UCS-2", 23))

    def test_empty_text_costs_nothing(self):
        self.assertEqual(sms_segments("").segments, 0)

    def test_template_shows_its_segments_and_what_forces_ucs2(self):
        template = self.env["sms.template"].create({
            "name": "Rappel", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "body": "Votre véhicule est prêt à être récupéré. Merci de votre confiance!"})
        self.assertEqual((template.dealer_sms_encoding, template.dealer_sms_segments,
                          template.dealer_sms_ucs2_chars), ("UCS-2", 1, "ê"))
        template.body = "Votre vehicule est pret. Merci de votre confiance!"
        self.assertEqual((template.dealer_sms_encoding, template.dealer_sms_ucs2_chars),
                         ("GSM-7", False))

    def test_keyword_answers_need_no_ucs2_but_the_french_opt_out_word(self):
        for kind in ("stop", "start", "help"):
            for lang in ("fr", "en"):
                template = self.env.ref(f"dealer_lead_addon.sms_template_keyword_{kind}_{lang}")
                self.assertIn(template.dealer_sms_ucs2_chars, (False, "Ê"), template.name)

    def test_sequence_step_shows_the_segments_of_its_texts(self):
        lead_model = self.env["ir.model"]._get_id("crm.lead")
        fr, en = self.env["sms.template"].create([
            {"name": "FR", "model_id": lead_model, "body": "Ça vous intéresse toujours?"},
            {"name": "EN", "model_id": lead_model, "body": "Still interested?"}])
        step = self.env["dealer.sequence.step"].create({
            "sequence_id": self.env["dealer.sequence"].create({"name": "Suivi"}).id,
            "name": "Texto", "channel": "sms", "sms_template_fr_id": fr.id,
            "sms_template_en_id": en.id})
        self.assertEqual((step.sms_fr_segments, step.sms_en_segments), (1, 1))
        fr.body = "Ç" + "a" * 160
        self.assertEqual(step.sms_fr_segments, 2)
