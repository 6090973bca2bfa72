from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import LazyTranslate

from .common_intake import OPEN_NOW
from .common_texting import DealerTextingCommon

_lt = LazyTranslate(__name__)

ALERT_MOBILE = "+15145550101"  # Marc's alert mobile (DealerIntakeCommon)
CONTACT_PHONE = "+15145550111"  # the phone on Marc's contact, never texted an alert


@tagged("post_install", "-at_install")
class TestStaffAlert(DealerTextingCommon):
    """``dealer.staff.alert._alert``: our people read alerts in Odoo's inbox, in their own
    language, and on their alert mobile only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["dealer.staff.alert"]
        cls.lead = cls.customer_lead
        cls.sales_1.partner_id.phone = CONTACT_PHONE

    def setUp(self):
        super().setUp()
        # the lead's assignment notified Marc already
        self.last_message = self.env["mail.message"].sudo().search([], order="id desc", limit=1)

    def _notifications(self, user):
        """The notifications ``user`` received since the test began."""
        return self.env["mail.notification"].sudo().search([
            ("res_partner_id", "=", user.partner_id.id),
            ("mail_message_id", ">", self.last_message.id),
            ("mail_message_id.model", "=", "crm.lead"),
            ("mail_message_id.res_id", "=", self.lead.id),
            ("mail_message_id.message_type", "=", "user_notification")])

    def _staff_texts(self):
        return self.env["sms.sms"].sudo().search([("dealer_purpose", "=", "staff")])

    def test_user_who_prefers_emails_is_alerted_in_the_inbox(self):
        self.sales_1.notification_type = "email"
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"))
        notification = self._notifications(self.sales_1)
        self.assertEqual(notification.mapped("notification_type"), ["inbox"])
        self.assertFalse(self.env["mail.mail"].sudo().search(
            [("recipient_ids", "in", self.sales_1.partner_id.ids)]), "no e-mail instead")

    def test_the_contact_phone_is_never_texted(self):
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"))
        self.assertFalse(self._texts_to(CONTACT_PHONE))
        self.assertFalse(self.env["mail.notification"].sudo().search([
            ("res_partner_id", "=", self.sales_1.partner_id.id),
            ("notification_type", "=", "sms")]))

    def test_alert_mobile_is_texted(self):
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"))
        texts = self._staff_texts()
        self.assertEqual(texts.mapped("number"), [ALERT_MOBILE])
        self.assertEqual(texts.body, f"#{self.lead._dealer_code()} Lead for you: Sophie")

    def test_each_alert_texted_is_noted_on_its_lead_once_the_provider_answered(self):
        for customer in ("Sophie", "Paul"):
            self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                           customer=customer))
        self._run_queues()  # both alerts leave in one queue run
        notes = self.lead.message_ids.filtered(
            lambda m: m.id > self.last_message.id and "Alert texted" in (m.body or ""))
        self.assertEqual(len(notes), 2)
        self.assertTrue(any("Sophie" in note.body for note in notes))
        self.assertTrue(any("Paul" in note.body for note in notes))

    def test_user_without_alert_mobile_is_not_texted(self):
        self.sales_1.dealer_alert_mobile = False
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"))
        self.assertFalse(self._staff_texts())
        self.assertEqual(len(self._notifications(self.sales_1)), 1)

    def test_note_says_the_alert_stayed_in_odoo_without_alert_mobile(self):
        self.sales_1.dealer_alert_mobile = False
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"))
        self.assertIn("Alert to Marc Gagnon in Odoo only (no alert mobile): Lead for you: "
                      "Sophie", self.lead.message_ids[0].body)

    def test_alert_not_meant_to_be_texted_is_not(self):
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"), text=False)
        self.assertFalse(self._staff_texts())
        self.assertEqual(len(self._notifications(self.sales_1)), 1)

    def test_each_user_reads_the_alert_in_their_language(self):
        self.env["ir.module.module"]._load_module_terms(["dealer_lead_addon"], ["fr_CA"])
        self.sales_1.lang = "fr_CA"
        self.Alert._alert(self.lead, self.sales_1 | self.sales_2, _lt(
            "Lead for you: %(customer)s", customer="Sophie"))
        bodies = {text.number: text.body for text in self._staff_texts()}
        code = self.lead._dealer_code()
        self.assertEqual(bodies, {ALERT_MOBILE: f"#{code} Piste pour vous : Sophie",
                                  "+15145550102": f"#{code} Lead for you: Sophie"})
        self.assertIn("Piste pour vous : Sophie",
                      self._notifications(self.sales_1).mail_message_id.body)

    def test_activity_is_scheduled_and_told_in_the_inbox_only(self):
        self.sales_1.notification_type = "email"
        self.Alert._alert(self.lead, self.sales_1, _lt("Lead for you: %(customer)s",
                                                       customer="Sophie"),
                          activity=_lt("Answer this lead (SLA)"))
        activity = self.lead.activity_ids.filtered(lambda a: a.user_id == self.sales_1)
        self.assertEqual(activity.summary, "Answer this lead (SLA)")
        self.assertIn("Lead for you: Sophie", str(activity.note))
        self.assertEqual(self._notifications(self.sales_1).mapped("notification_type"),
                         ["inbox"])
        self.assertFalse(self.env["mail.mail"].sudo().search(
            [("recipient_ids", "in", self.sales_1.partner_id.ids)]),
            "no activity assignment e-mail")


@tagged("post_install", "-at_install")
class TestStaffAlertCallers(DealerTextingCommon):
    """Every staff alert of the addon goes through ``dealer.staff.alert._alert``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.customer_lead
        cls.env["dealer.sla.policy"].create({
            "name": "Web leads", "team_id": cls.team.id, "first_response_minutes": 10,
            "message_response_minutes": 5, "prewarn_minutes": 3, "escalation_minutes": 10})
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("dealer_lead_addon.video_gateway_url", "https://video.example/")
        icp.set_param("dealer_lead_addon.video_secret", "s" * 32)

    @contextmanager
    def _alerts(self):
        """The calls made to the one alert method (which still runs)."""
        calls = []
        Alert = type(self.env["dealer.staff.alert"])
        alert = Alert._alert

        def record(this, record, users, body, **kwargs):
            calls.append((record, users, str(body._translate("en_US"))))
            return alert(this, record, users, body, **kwargs)

        with patch.object(Alert, "_alert", record):
            yield calls
        self.assertTrue(calls, "no staff alert")

    def test_new_lead(self):
        with self._alerts() as calls:
            self.lead._dealer_alert_salesperson()
        self.assertEqual(calls[0][1], self.sales_1)
        self.assertTrue(calls[0][2].startswith("New lead: Sophie Tremblay"), calls)

    def test_repeat_inquiry(self):
        with self._alerts() as calls:
            self.lead._dealer_alert_salesperson(duplicate=True)
        self.assertTrue(calls[0][2].startswith("Repeat inquiry from Sophie Tremblay"), calls)

    def test_sla_step(self):
        with self._frozen(OPEN_NOW):
            self.lead._dealer_sla_start()
        clock = self.lead.dealer_sla_clock_ids
        with self._alerts() as calls, self._frozen(clock.deadline):
            clock._dealer_step_salesperson(clock.deadline)
        self.assertEqual(calls[0][1], self.sales_1)
        self.assertTrue(calls[0][2].startswith("Overdue: Sophie Tremblay"), calls)

    def test_customer_text(self):
        with self._alerts() as calls:
            self._receive("Est-elle encore disponible?")
        self.assertEqual(calls[0][1], self.sales_1)
        self.assertEqual(calls[0][2], "Text from Sophie Tremblay: Est-elle encore disponible?")

    def test_video_ring(self):
        self.lead._dealer_video_mint_customer_url()
        session = self.lead.dealer_video_session_ids[:1]
        with self._alerts() as calls:
            session._dealer_ring(self.sales_2)
        self.assertEqual(calls[0][1], self.sales_2)
        self.assertIn("is waiting for you on live video", calls[0][2])

    def test_failed_text(self):
        sms = self.env["dealer.outbound"]._send_sms(
            self.lead, "Bonjour", purpose="service", number=self.lead.phone)
        with self._alerts() as calls:
            sms._update_sms_state_and_trackers("error", failure_type="sms_server")
        self.assertEqual(calls[0][1], self.sales_1)
        self.assertIn("could not be sent", calls[0][2])
