import json
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common_intake import OPEN_NOW
from .common_service import ADVISOR_MOBILE, ENGLISH_CUSTOMER, DealerServiceCommon
from .common_texting import CUSTOMER
from .common_video import GATEWAY, SECRET, decode_join_token

APPROVE_PATH = "/dealer_lead/service/approve/"
LINES = "Plaquettes et disques avant : 412,50 $\nBalais d'essuie-glace : 0,00 $"


class DealerApprovalCommon(DealerServiceCommon):

    def _waiting(self, partner=None, amount=412.5):
        """A visit checked in at OPEN_NOW, waiting for approval, its estimate texted."""
        visit = self._booked(partner)
        with self._frozen(OPEN_NOW):
            visit.action_check_in()
            visit.write({"status": "waiting_approval", "estimate_amount": amount,
                         "estimate_lines": LINES})
            visit.action_send_estimate()
        return visit

    def _estimate_text(self, number=CUSTOMER):
        return self._service_texts(number)[-1]

    def _link(self, number=CUSTOMER):
        return next(word for word in self._estimate_text(number).body.split()
                    if APPROVE_PATH in word)

    def _token(self, number=CUSTOMER):
        return self._link(number).rsplit("/", 1)[1]


@tagged("post_install", "-at_install")
class TestServiceApproval(DealerApprovalCommon):
    """The estimate texted while the visit waits for approval, and the customer's OUI / YES /
    NON / NO, or the advisor's record of a phone answer."""

    def _reply(self, body, sender=CUSTOMER):
        with self._frozen(OPEN_NOW + timedelta(minutes=5)):
            return self._receive(body, sender=sender)

    def test_the_estimate_is_texted_in_french_with_total_lines_and_link(self):
        visit = self._waiting()
        text = self._estimate_text()
        body = text.body.replace("\xa0", " ")
        self.assertEqual(text.dealer_purpose, "service")
        self.assertIn("412,50 $", body)
        self.assertIn("Plaquettes et disques avant", body)
        self.assertIn("Répondez OUI pour approuver ou NON pour refuser", body)
        self.assertIn(APPROVE_PATH, body)
        self.assertEqual(visit.approval_state, "pending")
        self.assertEqual(visit.text_ids.sorted("id")[-1].kind, "estimate")

    def test_the_estimate_is_texted_in_english_to_an_english_customer(self):
        self._waiting(self.john)
        body = self._estimate_text(ENGLISH_CUSTOMER).body
        self.assertIn("$412.50", body)
        self.assertIn("Reply YES to approve or NO to decline", body)

    def test_the_link_token_is_not_kept_in_clear(self):
        visit = self._waiting()
        self.assertNotIn(self._token(), visit.sudo().approval_token_hash)

    def test_an_estimate_needs_a_visit_waiting_for_approval(self):
        visit = self._booked()
        visit.estimate_amount = 100
        with self.assertRaises(UserError):
            visit.action_send_estimate()

    def _assert_answer(self, body, partner, number, approved):
        visit = self._waiting(partner)
        checked_in_at = visit.checked_in_at
        inbound = self._reply(body, number)
        self.assertEqual(inbound.service_visit_id, visit)
        self.assertEqual(visit.approval_state, "approved" if approved else "declined", body)
        self.assertEqual((visit.approval_by, visit.approval_at),
                         ("text", OPEN_NOW + timedelta(minutes=5)))
        self.assertFalse(visit.approval_user_id)
        self.assertEqual(visit.status, "checked_in" if approved else "ready")
        self.assertEqual(visit.checked_in_at, checked_in_at)
        return visit

    def test_oui_approves(self):
        visit = self._assert_answer("OUI", self.sophie, CUSTOMER, True)
        self.assertTrue(visit.message_ids.filtered(
            lambda m: "Work approved" in (m.body or "") and "by text" in m.body))

    def test_yes_approves(self):
        self._assert_answer("Yes", self.john, ENGLISH_CUSTOMER, True)

    def test_non_declines(self):
        visit = self._assert_answer("NON", self.sophie, CUSTOMER, False)
        self.assertTrue(visit.message_ids.filtered(
            lambda m: "Work declined" in (m.body or "")))

    def test_non_merci_declines(self):
        self._assert_answer("Non merci", self.sophie, CUSTOMER, False)

    def test_no_declines(self):
        self._assert_answer("no", self.john, ENGLISH_CUSTOMER, False)

    def test_no_problem_is_not_a_refusal(self):
        visit = self._waiting(self.john)
        self._reply("No problem, can you call me first?", ENGLISH_CUSTOMER)
        self.assertEqual((visit.approval_state, visit.status), ("pending", "waiting_approval"))
        self.assertTrue(visit.reply_waiting_since)

    def test_the_advisor_hears_of_the_answer(self):
        self._waiting()
        self._reply("oui")
        self.assertTrue(self._texts_to(ADVISOR_MOBILE).filtered(
            lambda sms: "approved the work" in sms.body))

    def test_approval_sends_no_second_welcome(self):
        visit = self._waiting()
        self._reply("OUI")
        self.assertEqual(len(visit.text_ids.filtered(lambda t: t.kind == "welcome")), 1)

    def test_the_advisor_records_a_phone_approval(self):
        visit = self._waiting()
        with self._frozen(OPEN_NOW + timedelta(minutes=9)):
            visit.with_user(self.advisor).action_approve_by_phone()
        self.assertEqual((visit.approval_state, visit.approval_by, visit.approval_user_id,
                          visit.approval_at),
                         ("approved", "advisor", self.advisor, OPEN_NOW + timedelta(minutes=9)))

    def test_the_advisor_records_a_phone_refusal(self):
        visit = self._waiting()
        visit.with_user(self.advisor).action_decline_by_phone()
        self.assertEqual((visit.approval_state, visit.status), ("declined", "ready"))

    def test_the_first_answer_counts(self):
        visit = self._waiting()
        self.assertTrue(visit._dealer_record_approval(True, "text"))
        self.assertFalse(visit._dealer_record_approval(False, "page"))
        self.assertEqual(visit.approval_state, "approved")


@tagged("post_install", "-at_install")
class TestServiceApprovalPage(DealerApprovalCommon, HttpCase):
    """The estimate's page: approve, decline, or "show me" on live video with the advisor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", GATEWAY + "/")
        icp.set_param("dealer_lead_addon.video_secret", SECRET)

    def _path(self, suffix=""):
        return urlsplit(self._link()).path + suffix

    def _open(self, path, data=None, at=OPEN_NOW + timedelta(minutes=10)):
        """The customer opens (or posts to) their link at ``at``."""
        with self._frozen(at):
            return self.url_open(path, data=data, allow_redirects=False)

    def test_the_page_shows_the_estimate(self):
        self._waiting()
        response = self._open(self._path())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Plaquettes et disques avant", response.text)
        self.assertIn("412,50", response.text.replace("\xa0", " "))
        self.assertIn('lang="fr"', response.text)
        self.assertIn("Approuver les travaux", response.text)
        self.assertIn("Montrez-moi", response.text)

    def test_the_page_of_an_english_customer_is_in_english(self):
        self._waiting(self.john)
        response = self._open(urlsplit(self._link(ENGLISH_CUSTOMER)).path)
        self.assertIn('lang="en"', response.text)
        self.assertIn("Approve the work", response.text)
        self.assertIn("$412.50", response.text)

    def test_approve_on_the_page(self):
        visit = self._waiting()
        response = self._open(self._path("/answer"), data={"decision": "approve"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual((visit.approval_state, visit.approval_by, visit.status),
                         ("approved", "page", "checked_in"))
        self.assertTrue(visit.approval_at)

    def test_decline_on_the_page(self):
        visit = self._waiting()
        self._open(self._path("/answer"), data={"decision": "decline"})
        self.assertEqual((visit.approval_state, visit.approval_by, visit.status),
                         ("declined", "page", "ready"))

    def test_a_second_answer_is_409(self):
        visit = self._waiting()
        self._open(self._path("/answer"), data={"decision": "approve"})
        response = self._open(self._path("/answer"), data={"decision": "decline"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(visit.approval_state, "approved")

    def test_an_unknown_decision_is_400(self):
        visit = self._waiting()
        response = self._open(self._path("/answer"), data={"decision": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(visit.approval_state, "pending")

    def test_an_expired_link_is_410(self):
        visit = self._waiting()
        late = OPEN_NOW + timedelta(hours=48, minutes=1)
        self.assertEqual(self._open(self._path(), at=late).status_code, 410)
        response = self._open(self._path("/answer"), data={"decision": "approve"}, at=late)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(visit.approval_state, "pending")

    def test_a_wrong_token_is_404(self):
        visit = self._waiting()
        response = self._open(f"{APPROVE_PATH}not-the-token/answer",
                              data={"decision": "approve"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(visit.approval_state, "pending")

    def test_show_me_opens_a_video_room_of_the_visit_and_rings_the_advisor(self):
        visit = self._waiting()
        response = self._open(self._path("/video"), data={"go": "1"})
        self.assertEqual(response.status_code, 303)
        session = visit.video_session_ids
        self.assertEqual(len(session), 1)
        self.assertFalse(session.lead_id)
        self.assertEqual(session.company_id, visit.company_id)
        self.assertEqual((session.state, session.rung_user_ids), ("ringing", self.advisor))
        claims = decode_join_token(response.headers["Location"])
        self.assertEqual((claims["room"], claims["role"], claims["lead"], claims["lang"]),
                         (session.room, "customer", 0, "fr"))
        alert = self._texts_to(ADVISOR_MOBILE).filtered(lambda sms: "live video" in sms.body)
        self.assertEqual(len(alert), 1)
        self.assertIn(f"{GATEWAY}/join/", alert.body)
        advisor_claims = decode_join_token(alert.body[alert.body.index(GATEWAY):].split()[0])
        self.assertEqual((advisor_claims["role"], advisor_claims["sub"]),
                         ("advisor", str(self.advisor.id)))

    def test_show_me_twice_rings_once(self):
        visit = self._waiting()
        self._open(self._path("/video"), data={"go": "1"})
        self._open(self._path("/video"), data={"go": "1"})
        self.assertEqual(len(visit.video_session_ids), 1)
        self.assertEqual(len(self._texts_to(ADVISOR_MOBILE).filtered(
            lambda sms: "live video" in sms.body)), 1)

    def test_the_call_is_recorded_on_the_visit(self):
        visit = self._waiting()
        self._open(self._path("/video"), data={"go": "1"})
        session = visit.video_session_ids
        at = OPEN_NOW + timedelta(minutes=10)
        session._dealer_on_advisor_joined(at, self.advisor)
        session._dealer_on_session_ended({
            "started_at": at, "ended_at": at + timedelta(minutes=3),
            "duration_seconds": 180, "outcome": "completed"}, self.advisor, None)
        self.assertEqual((session.state, session.advisor_id), ("ended", self.advisor))
        self.assertTrue(visit.message_ids.filtered(
            lambda m: "3 min 00 s" in (m.body or "")))

    def test_a_missed_call_from_the_gateway_gives_the_advisor_a_call_to_make(self):
        visit = self._waiting()
        self._open(self._path("/video"), data={"go": "1"})
        session = visit.video_session_ids
        body = json.dumps({"event_id": str(uuid.uuid4()), "event": "no_answer",
                           "room": session.room, "lead": 0,
                           "at": "2026-11-24T15:12:00Z"}).encode()
        status, _answer = self.env["dealer.video.event"].sudo()._dealer_receive(body)
        self.assertEqual((status, session.state), (200, "no_answer"))
        activity = visit.activity_ids.filtered(
            lambda a: a.summary == "Call back: missed video call")
        self.assertEqual(activity.user_id, self.advisor)
