from odoo.tests import tagged

from .common_texting import DealerTextingCommon

SALES_1_PHONE = "+15145550111"


@tagged("post_install", "-at_install")
class TestGuardStaffInbox(DealerTextingCommon):
    """A customer's text posted on a lead tells the salesperson in Odoo's inbox; stock SMS
    never texts it on to their contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a phone on the salesperson's contact: stock sms would text every customer message
        cls.sales_1.partner_id.phone = SALES_1_PHONE

    def _notification_of(self, message, user):
        return self.env["mail.notification"].sudo().search([
            ("mail_message_id", "=", message.id), ("res_partner_id", "=", user.partner_id.id)])

    def test_salesperson_is_notified_in_the_inbox(self):
        message = self._receive("Est-ce que je peux l'essayer samedi?").posted_message_id
        notification = self._notification_of(message, self.sales_1)
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.notification_type, "inbox")
        self.assertFalse(notification.is_read, "unread in the salesperson's inbox")

    def test_no_text_is_made_for_the_salespersons_contact(self):
        message = self._receive("Bonjour Marc").posted_message_id
        self.assertFalse(self.env["sms.sms"].sudo().search(
            [("mail_message_id", "=", message.id)]))
        self.assertNotIn(SALES_1_PHONE, self._sent_numbers())

    def test_salesperson_without_a_phone_gets_no_failed_text(self):
        self.sales_1.partner_id.phone = False
        message = self._receive("Bonjour").posted_message_id
        self.assertFalse(self.env["mail.notification"].sudo().search([
            ("mail_message_id", "=", message.id), ("notification_type", "=", "sms")]))

    def test_alert_mobile_still_gets_the_staff_alert(self):
        self._receive("Avez-vous reçu mon échange?")
        alert = self._texts_to("+15145550101")
        self.assertEqual((len(alert), alert.dealer_purpose), (1, "staff"))

    def test_team_leader_of_an_unassigned_lead_is_notified_in_the_inbox(self):
        self.customer_lead.user_id = False
        message = self._receive("Quelqu'un peut me répondre?").posted_message_id
        self.assertEqual(self._notification_of(message, self.team.user_id).notification_type,
                         "inbox")
