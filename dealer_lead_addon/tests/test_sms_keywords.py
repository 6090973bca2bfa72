from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.tools.sms_keywords import HELP, START, STOP, classify

from .common_intake import OPEN_NOW
from .common_texting import CUSTOMER, STRANGER, DealerTextingCommon

STOP_WORDS_EN = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
STOP_WORDS_FR = ["ARRET", "ARRÊT", "DESABONNER", "DÉSABONNER"]
STOP_PHRASES_EN = ["stop texting me", "Please stop sending me messages", "Unsubscribe me",
                   "Don't text me anymore", "remove me from your list", "no more texts please"]
STOP_PHRASES_FR = ["Arrêtez de m'écrire", "arretez de m’ecrire svp", "Ne m'écrivez plus",
                   "Arrête de me texter", "Désabonnez-moi", "Plus de textos merci"]
CONVERSATION = ["YES", "Oui", "OK", "I can stop by tomorrow", "On arrête pas le progrès!",
                "Can you take me for a test drive?", "Stop by at 5?", "Merci, à demain",
                "Le stop est brisé sur mon auto"]


@tagged("post_install", "-at_install")
class TestKeywordClassification(DealerTextingCommon):
    """Which texts are keywords: all the carriers' words, in both languages, and plain
    sentences; nothing else."""

    def test_every_english_stop_keyword_opts_out(self):
        for word in STOP_WORDS_EN + [w.lower() for w in STOP_WORDS_EN] + ["Stop.", " stop! "]:
            self.assertEqual(classify(word)[0], STOP, word)

    def test_every_french_stop_keyword_opts_out_in_french(self):
        for word in STOP_WORDS_FR + ["arrêt", "Arret."]:
            self.assertEqual(classify(word), (STOP, "fr"), word)

    def test_plain_english_sentences_opt_out(self):
        for phrase in STOP_PHRASES_EN:
            self.assertEqual(classify(phrase), (STOP, "en"), phrase)

    def test_plain_french_sentences_opt_out(self):
        for phrase in STOP_PHRASES_FR:
            self.assertEqual(classify(phrase), (STOP, "fr"), phrase)

    def test_start_and_unstop_resubscribe(self):
        for word in ("START", "start", "UNSTOP", "Unstop"):
            self.assertEqual(classify(word)[0], START, word)

    def test_help_and_aide_ask_for_help(self):
        self.assertEqual(classify("HELP"), (HELP, "en"))
        self.assertEqual(classify("Aide"), (HELP, "fr"))
        self.assertEqual(classify("INFO")[0], HELP)

    def test_conversation_is_never_a_keyword(self):
        for text in CONVERSATION:
            self.assertEqual(classify(text), (None, None), text)


@tagged("post_install", "-at_install")
class TestKeywordHandling(DealerTextingCommon):
    """What a keyword text does: opt-out at once with one confirmation, opt back in, help."""

    def _confirmations(self, number=CUSTOMER):
        return self._texts_to(number).filtered(lambda sms: sms.dealer_purpose == "keyword")

    def test_every_opt_out_keyword_and_phrase_opts_out_with_one_confirmation(self):
        texts = STOP_WORDS_EN + STOP_WORDS_FR + STOP_PHRASES_EN + STOP_PHRASES_FR
        for index, text in enumerate(texts):
            number = f"+1514555{index:04d}"
            self._receive(text, sender=number)
            self.assertTrue(self._blacklisted(number), text)
            self.assertEqual(len(self._confirmations(number)), 1, text)

    def test_every_opt_in_keyword_resubscribes(self):
        for index, word in enumerate(["START", "UNSTOP", "Réabonner"]):
            number = f"+1438555{index:04d}"
            self._receive("STOP", sender=number)
            self._receive(word, sender=number)
            self.assertFalse(self._blacklisted(number), word)

    def test_every_help_keyword_gets_the_help_answer(self):
        for index, word in enumerate(["HELP", "INFO", "AIDE", "aide"]):
            number = f"+1450555{index:04d}"
            self._receive(word, sender=number)
            self.assertIn("Auto Laval", self._confirmations(number).body, word)
            self.assertFalse(self._blacklisted(number), word)

    def test_stop_blacklists_the_number_at_once(self):
        self._receive("STOP")
        self.assertTrue(self._blacklisted(CUSTOMER))

    def test_stop_sends_one_confirmation_in_the_customers_language(self):
        self._receive("STOP")
        confirmation = self._confirmations()
        self.assertEqual(len(confirmation), 1)
        self.assertIn("Vous ne recevrez plus de textos", confirmation.body)

    def test_english_keyword_confirms_in_english(self):
        self._receive("UNSUBSCRIBE")
        self.assertIn("You are unsubscribed", self._confirmations().body)

    def test_french_keyword_confirms_in_french_even_for_an_english_lead(self):
        self.customer_lead.lang_id = self.env.ref("base.lang_en")
        self._receive("ARRÊT")
        self.assertIn("Vous ne recevrez plus", self._confirmations().body)

    def test_stop_confirmation_leaves_although_the_number_is_opted_out(self):
        with self.mockSMSGateway():
            self._receive("STOP")
            self._run_postcommit()
        self.assertEqual(len(self._twilio_bodies_to(CUSTOMER)), 1)

    def test_repeated_stop_gets_no_second_confirmation(self):
        self._receive("STOP")
        self._receive("stop")
        self.assertEqual(len(self._confirmations()), 1)

    def test_plain_french_sentence_opts_out(self):
        self._receive("Arrêtez de m'écrire s.v.p.")
        self.assertTrue(self._blacklisted(CUSTOMER))

    def test_stop_is_kept_on_the_leads_chatter(self):
        inbound = self._receive("STOP")
        self.assertEqual(inbound.state, "keyword")
        self.assertEqual(inbound.lead_id, self.customer_lead)
        self.assertIn("STOP", inbound.posted_message_id.body)

    def test_stop_records_a_withdrawal_for_every_purpose(self):
        self._receive("STOP")
        withdrawals = self.env["dealer.consent"].search(
            [("phone", "=", CUSTOMER), ("kind", "=", "withdrawn")])
        self.assertEqual(set(withdrawals.mapped("purpose")), {"sales", "service", "marketing"})
        self.assertEqual(withdrawals[0].consent_text, "STOP")

    def test_yes_to_an_appointment_never_resubscribes(self):
        self._receive("STOP")
        self._receive("YES")
        self._receive("Oui")
        self.assertTrue(self._blacklisted(CUSTOMER))

    def test_start_resubscribes_and_confirms(self):
        self._receive("STOP")
        self._receive("START")
        self.assertFalse(self._blacklisted(CUSTOMER))
        self.assertIn("abonnement à nos textos est réactivé", self._confirmations()[-1].body)

    def test_unstop_resubscribes(self):
        self._receive("STOP")
        self._receive("UNSTOP")
        self.assertFalse(self._blacklisted(CUSTOMER))

    def test_start_records_express_consent_for_sales_and_service_only(self):
        self._receive("STOP")
        self._receive("START")
        Consent = self.env["dealer.consent"]
        self.assertIn(CUSTOMER, Consent._dealer_valid_contacts("sales", phones=[CUSTOMER]))
        self.assertNotIn(CUSTOMER, Consent._dealer_valid_contacts(
            "marketing", phones=[CUSTOMER]))

    def test_help_answers_with_the_dealers_name_contact_and_opt_out(self):
        self._receive("HELP")
        answer = self._confirmations()
        self.assertIn("Auto Laval", answer.body)
        self.assertIn("+1 450-555-0100", answer.body)
        self.assertIn("STOP", answer.body)
        self.assertFalse(self._blacklisted(CUSTOMER))

    def test_aide_answers_in_french(self):
        self._receive("AIDE")
        self.assertIn("Répondez ARRÊT", self._confirmations().body)

    def test_keyword_from_an_unknown_number_creates_no_lead(self):
        self._receive("STOP", sender=STRANGER)
        self.assertTrue(self._blacklisted(STRANGER))
        self.assertFalse(self.env["crm.lead"].search([("phone_sanitized", "=", STRANGER)]))
        self.assertEqual(len(self._confirmations(STRANGER)), 1)

    def test_stop_does_not_count_as_the_customer_engaging(self):
        self._receive("STOP")
        self.assertFalse(self.customer_lead.dealer_sla_clock_ids)

    def test_english_customer_gets_english_from_a_french_session(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        lead = self.customer_lead.with_context(lang="fr_CA")
        lead.write({"lang_id": self.env.ref("base.lang_en").id, "dealer_ack_state": "pending"})
        with self._frozen(OPEN_NOW):
            lead._dealer_ack_send()
        ack = self._texts_to(CUSTOMER).filtered(lambda sms: sms.dealer_purpose == "ack")
        self.assertIn("thanks for your inquiry", ack.body)
