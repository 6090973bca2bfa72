import json
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.dealer_lead_intake import DealerLeadIntake
from ..models.dealer_sms_inbound import DealerSmsInbound
from ..models.dealer_video_event import DealerVideoEvent
from ..models.dealer_video_session import DealerVideoSession
from .common_intake import OPEN_NOW, DealerIntakeCommon
from .common_texting import STRANGER, DealerTextingCommon
from .common_video import DealerVideoCommon
from .test_intake_pipeline import inquiry_json

MIXIN_LOGGER = "odoo.addons.dealer_lead_addon.models.dealer_raw_inbox_mixin"


class RawInboxCase:
    """Managers who read the alerts, and how to tell who was alerted."""

    @classmethod
    def _dealer_add_manager(cls):
        cls.manager = new_test_user(
            cls.env, login="gerant_inbox", name="Gérant", notification_type="inbox",
            groups="dealer_lead_addon.group_dealer_lead_manager")

    def _alerted(self, records):
        return records.filtered(lambda record: record.message_ids.filtered(
            lambda m: self.manager.partner_id in m.partner_ids))


@tagged("post_install", "-at_install")
class TestRawInboxIntake(RawInboxCase, DealerIntakeCommon):
    """Inquiries: kept raw, quarantined with a code, alerted once, retried."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_manager()

    def _bad(self, at=OPEN_NOW):
        with self._frozen(at):
            return self.env["dealer.lead.intake"].sudo()._dealer_intake_http(
                self.source, b'{"customer": ', "application/json")[0]

    def test_bad_inquiry_is_kept_raw_and_quarantined_with_a_code(self):
        intake = self._bad()
        self.assertEqual(intake.state, "quarantined")
        self.assertTrue(intake.reason_code)
        self.assertEqual(intake.raw_payload, '{"customer": ')

    def test_each_inquiry_is_numbered_by_year_and_id(self):
        intake = self._bad()
        self.assertEqual(intake.name, f"INQ/{OPEN_NOW.year}/{intake.id:06d}")
        self.assertEqual(intake.search([("name", "=", intake.name)]), intake)

    def test_an_inquiry_is_found_by_part_of_its_number(self):
        intake = self._bad()
        Intake = self.env["dealer.lead.intake"].sudo()
        self.assertIn(intake, Intake.search([("name", "ilike", f"{intake.id:06d}")]))
        self.assertNotIn(intake, Intake.search([("name", "ilike", "INQ/1999/")]))
        self.assertEqual(Intake.name_search(intake.name), [(intake.id, intake.name)])

    def test_managers_are_alerted_once_per_source_and_hour(self):
        burst = self._bad() | self._bad(OPEN_NOW + timedelta(minutes=30))
        self.assertEqual(self._alerted(burst), burst[0])
        later = self._bad(OPEN_NOW + timedelta(minutes=61))
        self.assertEqual(self._alerted(later), later)

    def test_each_manager_is_alerted_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_CA")
        self.manager.lang = "fr_CA"
        english = new_test_user(self.env, login="manager_en", name="Manager", lang="en_US",
                                groups="dealer_lead_addon.group_dealer_lead_manager")
        intake = self._bad()
        readers = [set(m.partner_ids.ids) for m in intake.message_ids if m.partner_ids]
        self.assertIn({self.manager.partner_id.id}, readers)
        self.assertIn(english.partner_id.id, set().union(*readers) - {self.manager.partner_id.id})

    @mute_logger(MIXIN_LOGGER)
    def test_retry_of_many_one_raising_the_others_processed(self):
        intakes = self._bad() | self._bad() | self._bad()
        for index, intake in enumerate(intakes):
            intake.payload = inquiry_json(
                provider_id=f"RI-{index}", phone=f"514-555-{3000 + index}",
                email=f"ri{index}@example.com")
        broken = intakes[1]
        original = DealerLeadIntake._dealer_inbox_process

        def raise_for_one(intake):
            if intake == broken:
                raise RuntimeError("boom")
            return original(intake)

        with patch.object(DealerLeadIntake, "_dealer_inbox_process", raise_for_one), \
                self._frozen(OPEN_NOW):
            intakes.action_retry()
        self.assertEqual(intakes.mapped("state"), ["created", "quarantined", "created"])
        self.assertEqual((broken.reason_code, broken.attempt_count), ("internal", 2))


@tagged("post_install", "-at_install")
class TestRawInboxText(RawInboxCase, DealerTextingCommon):
    """Inbound texts: the same quarantine, alert and retry; an unknown number's text is an
    inquiry like any other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_manager()

    def _failing(self, body="Bonjour", at=OPEN_NOW):
        with patch.object(DealerSmsInbound, "_dealer_route_text",
                          side_effect=RuntimeError("boom")), self._frozen(at), \
                mute_logger(MIXIN_LOGGER):
            return self._receive(body)

    def test_failing_text_is_kept_raw_and_quarantined_with_a_code(self):
        inbound = self._failing("Est-ce prêt?")
        self.assertEqual((inbound.state, inbound.reason_code), ("quarantined", "internal"))
        self.assertEqual(inbound.raw_params["Body"], "Est-ce prêt?")

    def test_managers_are_alerted_once_per_hour(self):
        burst = self._failing() | self._failing(at=OPEN_NOW + timedelta(minutes=20))
        self.assertEqual(self._alerted(burst), burst[0])
        later = self._failing(at=OPEN_NOW + timedelta(minutes=61))
        self.assertEqual(self._alerted(later), later)

    @mute_logger(MIXIN_LOGGER)
    def test_retry_of_many_one_raising_the_others_processed(self):
        texts = self._failing() | self._failing() | self._failing()
        broken = texts[1]
        original = DealerSmsInbound._dealer_inbox_process

        def raise_for_one(inbound):
            if inbound == broken:
                raise RuntimeError("boom")
            return original(inbound)

        with patch.object(DealerSmsInbound, "_dealer_inbox_process", raise_for_one):
            texts.action_retry()
        self.assertEqual(texts.mapped("state"), ["posted", "quarantined", "posted"])
        self.assertEqual(broken.reason_code, "internal")

    def test_unknown_number_enters_the_intake_through_its_one_entry_point(self):
        original = DealerLeadIntake._dealer_receive
        channels = []

        def spy(intake, channel, values, *args, **kwargs):
            channels.append(channel)
            return original(intake, channel, values, *args, **kwargs)

        with patch.object(DealerLeadIntake, "_dealer_receive", spy), self._frozen(OPEN_NOW):
            inbound = self._receive("Is the 2024 Civic available?", sender=STRANGER)
        self.assertEqual(channels, ["sms"])
        self.assertEqual((inbound.state, inbound.intake_id.state), ("lead", "created"))

    def test_second_text_of_an_unknown_number_goes_to_the_same_lead(self):
        with self._frozen(OPEN_NOW):
            first = self._receive("Is the 2024 Civic available?", sender=STRANGER)
            second = self._receive("And in blue?", sender=STRANGER)
        self.assertEqual((second.state, second.lead_id), ("posted", first.lead_id))
        self.assertEqual(
            self.env["crm.lead"].search_count([("phone_sanitized", "=", STRANGER)]), 1)

    def test_sms_inquiry_of_a_number_with_an_open_lead_is_attached(self):
        with self._frozen(OPEN_NOW):
            first = self._receive("Is the 2024 Civic available?", sender=STRANGER)
            intake, outcome = self.env["dealer.lead.intake"]._dealer_receive("sms", {
                "payload": json.dumps({"from": STRANGER, "body": "And in blue?"}),
            })
        self.assertEqual((outcome, intake.lead_id), ("attached", first.lead_id))


@tagged("post_install", "-at_install")
class TestRawInboxVideo(RawInboxCase, DealerVideoCommon):
    """Video gateway events: the same quarantine, alert and retry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dealer_add_manager()

    def _event(self, event_id):
        return self.env["dealer.video.event"].search([("event_id", "=", event_id)])

    def _failing(self, session, event_id, at=OPEN_NOW):
        with patch.object(DealerVideoSession, "_dealer_on_customer_waiting",
                          side_effect=RuntimeError("boom")), self._frozen(at), \
                mute_logger(MIXIN_LOGGER):
            status, _answer = self._receive(session, "customer_waiting", event_id=event_id,
                                            customer_name="Sophie")
        self.assertEqual(status, 500)
        return self._event(event_id)

    def test_malformed_event_is_kept_raw_and_quarantined_with_a_code(self):
        status, _answer = self.env["dealer.video.event"]._dealer_receive(
            b'{"event_id": "evt-raw", "event": "no_answer"}')
        event = self._event("evt-raw")
        self.assertEqual(status, 400)
        self.assertEqual((event.state, event.reason_code), ("quarantined", "malformed"))
        self.assertEqual(event.raw_body, '{"event_id": "evt-raw", "event": "no_answer"}')

    def test_managers_are_alerted_once_per_hour(self):
        session = self._session()
        burst = self._failing(session, "evt-a") | self._failing(
            session, "evt-b", OPEN_NOW + timedelta(minutes=5))
        self.assertEqual(self._alerted(burst), burst[0])
        later = self._failing(session, "evt-c", OPEN_NOW + timedelta(minutes=61))
        self.assertEqual(self._alerted(later), later)

    @mute_logger(MIXIN_LOGGER)
    def test_retry_of_many_one_raising_the_others_processed(self):
        events = self.env["dealer.video.event"]
        for index in range(3):
            events |= self._failing(self._session(self._video_lead(self.sales_1)),
                                    f"evt-r{index}")
        broken = events[1]
        original = DealerVideoEvent._dealer_inbox_process

        def raise_for_one(event):
            if event == broken:
                raise RuntimeError("boom")
            return original(event)

        with patch.object(DealerVideoEvent, "_dealer_inbox_process", raise_for_one), \
                self._frozen(OPEN_NOW):
            events.action_retry()
        self.assertEqual(events.mapped("state"), ["done", "quarantined", "done"])
        self.assertEqual(broken.reason_code, "internal")
