from odoo.tests import tagged

from odoo.addons.dealer_lead_addon.tools.video_token import VIDEO_LINK_PLACEHOLDER

from .common_video import DealerVideoCommon

TEMPLATE_BODY = "Live video: {{ object._dealer_video_customer_url() }}"


@tagged("post_install", "-at_install")
class TestGuardVideoLinks(DealerVideoCommon):
    """Rendering a template has no side effect: the customer's video link is minted by the
    step that sends the message, and only then."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead.email_from = "sophie@example.ca"
        cls.template = cls.env["sms.template"].create({
            "name": "Video", "model_id": cls.env["ir.model"]._get_id("crm.lead"),
            "body": TEMPLATE_BODY})

    def _sessions(self):
        return self.env["dealer.video.session"].search([("lead_id", "=", self.lead.id)])

    def test_rendering_a_template_creates_no_session(self):
        body = self.template._render_field("body", self.lead.ids)[self.lead.id]
        self.assertEqual(body, f"Live video: {VIDEO_LINK_PLACEHOLDER}")
        self.assertFalse(self._sessions())

    def test_template_preview_creates_no_session(self):
        preview = self.env["sms.template.preview"].create({
            "sms_template_id": self.template.id,
            "resource_ref": f"crm.lead,{self.lead.id}"})
        self.assertIn(VIDEO_LINK_PLACEHOLDER, preview.body)
        self.assertFalse(self._sessions())

    def test_composer_preview_creates_no_session(self):
        composer = self.env["sms.composer"].with_context(
            default_res_model="crm.lead", default_res_id=self.lead.id).create({
                "composition_mode": "comment", "template_id": self.template.id})
        self.assertIn(VIDEO_LINK_PLACEHOLDER, composer.body)
        self.assertFalse(self._sessions())

    def test_sending_a_text_mints_one_link_in_one_session(self):
        body = self.env["dealer.outbound"]._render_sms(self.template, self.lead, "en")
        sms = self.env["dealer.outbound"]._send_sms(self.lead, body, purpose="transactional")
        self.assertEqual(len(self._sessions()), 1)
        claims = self._customer_claims(sms.body.removeprefix("Live video: "))
        self.assertEqual((claims["room"], claims["role"]), (self._sessions().room, "customer"))

    def test_sending_from_the_composer_mints_the_link(self):
        composer = self.env["sms.composer"].with_context(
            default_res_model="crm.lead", default_res_id=self.lead.id).create({
                "composition_mode": "comment", "template_id": self.template.id})
        with self.mockSMSGateway():
            composer.action_send_sms()
        sms = self.env["sms.sms"].sudo().search([("number", "=", "+15145550199")])
        self.assertEqual(len(self._sessions()), 1)
        self._customer_claims(sms.body.removeprefix("Live video: "))

    def test_sending_an_email_mints_the_link(self):
        template = self.env["mail.template"].create({
            "name": "Video", "model_id": self.env["ir.model"]._get_id("crm.lead"),
            "subject": "Video", "email_to": "{{ object.email_from }}",
            "body_html": '<p><a t-att-href="object._dealer_video_customer_url()">Join</a></p>'})
        preview = template._render_field("body_html", self.lead.ids)[self.lead.id]
        self.assertIn(VIDEO_LINK_PLACEHOLDER, preview)
        self.assertFalse(self._sessions(), "rendering created nothing")
        mail = self.env["dealer.outbound"]._send_mail(self.lead, template,
                                                     purpose="transactional")
        self.assertEqual(len(self._sessions()), 1)
        self.assertNotIn(VIDEO_LINK_PLACEHOLDER, mail.body_html)
        self.assertIn(f"{self.lead.get_base_url()}/v/", mail.body_html)
        self.assertNotIn("/join/", mail.body_html)
