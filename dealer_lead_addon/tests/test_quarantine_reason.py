from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.dealer_sms_inbound import DealerSmsInbound
from .common_intake import OPEN_NOW, DealerIntakeCommon
from .common_texting import DealerTextingCommon
from .common_video import DealerVideoCommon
from .test_raw_inbox import MIXIN_LOGGER

FRENCH_JSON = "Le corps n'est pas du JSON valide"
ENGLISH_JSON = "The body is not valid JSON"


class ReaderCase:
    """A French and an English manager of the same dealership."""

    @classmethod
    def _dealer_add_readers(cls):
        cls.env["res.lang"]._activate_lang("fr_CA")
        group = "dealer_lead_addon.group_dealer_lead_manager"
        cls.manager_fr = new_test_user(cls.env, login="gerante_fr", name="Gérante",
                                       lang="fr_CA", groups=group)
        cls.manager_en = new_test_user(cls.env, login="manager_en", name="Manager",
                                       lang="en_US", groups=group)

    @staticmethod
    def _read_as(user, record):
        """``record`` as ``user``'s screens read it (their language in the context)."""
        return record.with_user(user).with_context(lang=user.lang)


@tagged("post_install", "-at_install")
class TestQuarantineReasonReader(ReaderCase, DealerIntakeCommon):
    """A quarantine reason is kept as a code, an English template and its parameters: each
    manager reads it in their own language, whoever sent the input."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_readers()

    def _bad_json(self, sender_lang):
        Intake = self.env["dealer.lead.intake"].sudo().with_context(lang=sender_lang)
        with self._frozen(OPEN_NOW):
            return Intake._dealer_intake_http(
                self.source, b'{"customer": ', "application/json")[0]

    def test_french_and_english_managers_read_the_same_reason_in_their_language(self):
        intake = self._bad_json(sender_lang="fr_CA")
        self.assertIn(FRENCH_JSON, self._read_as(self.manager_fr, intake).reason)
        self.assertIn(ENGLISH_JSON, self._read_as(self.manager_en, intake).reason)

    def test_reason_is_stored_as_code_english_template_and_parameters(self):
        intake = self._bad_json(sender_lang="fr_CA")
        self.assertEqual(intake.reason_code, "not_json")
        self.assertEqual(intake.reason_template, "The body is not valid JSON: %(detail)s")
        self.assertTrue(intake.reason_params["detail"], "the parser's detail is kept")

    def test_an_unreachable_inquiry_reads_in_each_managers_language(self):
        intake = self.env["dealer.lead.intake"].sudo().with_context(lang="en_US")
        with self._frozen(OPEN_NOW):
            intake = intake._dealer_intake_http(
                self.source, b'{"customer": {"first_name": "Ana"}}', "application/json")[0]
        self.assertEqual(intake.reason_code, "unreachable")
        self.assertNotEqual(self._read_as(self.manager_fr, intake).reason,
                            self._read_as(self.manager_en, intake).reason)

    def _alert_to(self, intake, user):
        [message] = intake.message_ids.filtered(lambda m: user.partner_id in m.partner_ids)
        return message.body

    def test_each_manager_is_alerted_in_their_language_whoever_sent_it(self):
        intake = self._bad_json(sender_lang="en_US")
        french = self._alert_to(intake, self.manager_fr)
        self.assertIn("mis en quarantaine", french)
        self.assertIn(FRENCH_JSON, french)
        english = self._alert_to(intake, self.manager_en)
        self.assertIn("was quarantined", english)
        self.assertIn(ENGLISH_JSON, english)

    def test_retry_forgets_the_old_reason(self):
        intake = self._bad_json(sender_lang="fr_CA")
        intake.payload = '{"customer": {"first_name": "Ana", "email": "ana@example.com"}}'
        with self._frozen(OPEN_NOW):
            intake.action_retry()
        self.assertEqual(intake.state, "created")
        self.assertFalse(intake.reason_code or intake.reason_template or intake.reason)


@tagged("post_install", "-at_install")
class TestQuarantineReasonOtherFeeds(ReaderCase, DealerIntakeCommon):
    """The DMS pushes read the same way (the same mixin)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_readers()

    def test_quarantined_dms_push_reads_in_each_managers_language(self):
        Inbound = self.env["dealer.service.inbound"].sudo().with_context(lang="fr_CA")
        push, outcome = Inbound._dealer_receive_push(self.source, b'{"id": "A-1", ')
        self.assertEqual((outcome, push.reason_code), ("quarantined", "malformed_json"))
        self.assertIn("JSON", self._read_as(self.manager_en, push).reason)
        self.assertIn("The body is not valid JSON", self._read_as(self.manager_en, push).reason)
        self.assertIn("n'est pas du JSON valide", self._read_as(self.manager_fr, push).reason)


@tagged("post_install", "-at_install")
class TestQuarantineReasonVideo(ReaderCase, DealerVideoCommon):
    """The gateway reads its contract's English reason, each manager their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_readers()

    def test_malformed_event_answers_english_and_reads_in_each_language(self):
        Event = self.env["dealer.video.event"].with_context(lang="fr_CA")
        status, answer = Event._dealer_receive(b'{"event_id": "evt-fr", "event": "no_answer"}')
        self.assertEqual((status, answer), (400, {"error": "missing room"}))
        event = Event.search([("event_id", "=", "evt-fr")])
        self.assertEqual(self._read_as(self.manager_en, event).reason, "missing room")
        self.assertEqual(self._read_as(self.manager_fr, event).reason, "champ manquant : room")


@tagged("post_install", "-at_install")
class TestQuarantineReasonText(ReaderCase, DealerTextingCommon):
    """An inbound text quarantined by an error of ours reads in each manager's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_readers()

    def test_failed_text_reads_in_each_managers_language(self):
        with patch.object(DealerSmsInbound, "_dealer_route_text",
                          side_effect=RuntimeError("boom")), self._frozen(OPEN_NOW), \
                mute_logger(MIXIN_LOGGER):
            inbound = self._receive("Est-ce prêt?")
        self.assertEqual(inbound.reason_code, "internal")
        self.assertIn("unexpected error", self._read_as(self.manager_en, inbound).reason)
        self.assertIn("erreur inattendue", self._read_as(self.manager_fr, inbound).reason)


@tagged("post_install", "-at_install")
class TestQuarantineReasonApi(ReaderCase, HttpCase):
    """Providers read the stable code and an English reason, whatever the languages."""

    KEY = "test-key-reason-0123456789"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_readers()
        cls.source = cls.env["dealer.lead.source"].create({
            "name": "Site FR", "code": "site-fr", "default_lang": "fr_CA"})
        cls.source._dealer_set_api_key(cls.KEY)

    def test_api_answers_the_code_and_an_english_reason_to_a_french_request(self):
        response = self.url_open("/dealer_lead/intake/site-fr", data=b'{"customer": ', headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.KEY}",
            "Accept-Language": "fr-CA,fr;q=0.9"})
        answer = response.json()
        self.assertEqual((response.status_code, answer["error"]), (422, "not_json"))
        self.assertIn(ENGLISH_JSON, answer["message"])
        intake = self.env["dealer.lead.intake"].browse(answer["intake_id"])
        self.assertIn(FRENCH_JSON, self._read_as(self.manager_fr, intake).reason)
