from odoo import fields, models


class SmsSms(models.Model):
    """The lowest layer keeps the mystery shopper's texts inside the dealership: a text about
    a test lead reaches only the company's synthetic number (staff alerts about it still
    reach the staff, whose answer is what is measured)."""

    _inherit = "sms.sms"  # pylint: disable=consider-merging-classes-inherited

    failure_type = fields.Selection(selection_add=[
        ("dealer_mystery", "Mystery Shopper Test (not the test number)"),
    ])

    def _dealer_guard(self):
        off_limits = self._dealer_mystery_off_limits()
        if off_limits:
            off_limits._update_sms_state_and_trackers("canceled", failure_type="dealer_mystery")
        return super(SmsSms, self - off_limits)._dealer_guard()

    def _dealer_mystery_lead_id(self):
        """The lead this text is about, if any (its message's document, or an alert's)."""
        self.ensure_one()
        # sudo: only the document of the message is read, whoever sends
        message = self.sudo().mail_message_id
        if message.model == "crm.lead":
            return message.res_id
        if self.dealer_res_model == "crm.lead":
            return self.dealer_res_id
        return False

    def _dealer_mystery_off_limits(self):
        """Texts about a test lead to any number but its company's synthetic one."""
        customer_texts = self.filtered(lambda sms: sms.dealer_purpose != "staff")
        lead_of = {sms: sms._dealer_mystery_lead_id() for sms in customer_texts}
        tests = self.env["crm.lead"]._dealer_test_lead_ids(list(lead_of.values()))
        if not tests:
            return self.browse()
        Shopper = self.env["dealer.mystery.shopper"]
        return customer_texts.filtered(
            lambda sms: lead_of[sms] in tests and sms._dealer_e164_number() != (
                Shopper._dealer_mystery_contact(sms._get_sms_company())[0]))
