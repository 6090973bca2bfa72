import contextlib
from datetime import datetime

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common_texting import CUSTOMER, DealerTextingCommon

# what a client sends to try to pass a text as a keyword answer, an urgent one
FORGED_CONTEXT = {"dealer_purpose": "keyword", "dealer_urgent": True,
                  "default_dealer_purpose": "keyword", "default_dealer_urgent": True}
FORGED_VALUES = {"dealer_purpose": "keyword", "dealer_urgent": True}
# Monday 22:30 in Montreal
NIGHT = datetime(2026, 11, 24, 3, 30)


@tagged("post_install", "-at_install")
class TestGuardPurposeOverRpc(DealerTextingCommon, HttpCase):
    """The purpose of a text is decided by the server code that creates it: a client, over
    JSON-RPC, cannot make a text to a number that answered STOP pass as a keyword answer, nor
    make a text urgent."""

    def setUp(self):
        super().setUp()
        self.env["phone.blacklist"].sudo().add(CUSTOMER)

    def _call(self, model, method, *args, context=None, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args),
            "kwargs": dict(kwargs, context=dict(context or {}, lang="en_US"))})

    def _composer_text(self, values=None, context=None):
        """A salesperson texts the customer's lead from Odoo's composer, over JSON-RPC."""
        self.authenticate("marc", "marc")
        composer = self._call("sms.composer", "create", {
            "composition_mode": "comment", "res_model": "crm.lead",
            "res_id": self.customer_lead.id, "body": "Une offre pour vous", **(values or {})},
            context=context)
        composer_id = composer[0] if isinstance(composer, list) else composer
        self._call("sms.composer", "action_send_sms", [composer_id], context=context)
        self._run_queues()
        self.env.invalidate_all()

    def test_salesperson_context_cannot_make_a_composer_text_a_keyword_answer(self):
        self._composer_text(context=FORGED_CONTEXT)
        text = self._texts_to(CUSTOMER)
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual((text.dealer_purpose, text.dealer_urgent), ("sales", False))
        self.assertEqual((text.state, text.failure_type), ("canceled", "sms_blacklist"))

    @mute_logger("odoo.http")
    def test_salesperson_values_cannot_make_a_composer_text_a_keyword_answer(self):
        # refused outright (the composer has no such fields), or accepted and then guarded
        with contextlib.suppress(JsonRpcException):
            self._composer_text(values=FORGED_VALUES, context=FORGED_CONTEXT)
        self.env.invalidate_all()
        self.assertEqual(self._sent_numbers(), [])
        self.assertFalse(self._texts_to(CUSTOMER).filtered(
            lambda sms: sms.dealer_purpose == "keyword" or sms.state != "canceled"))

    @mute_logger("odoo.http")
    def test_salesperson_cannot_create_a_text_directly(self):
        self.authenticate("marc", "marc")
        with self.assertRaises(JsonRpcException):
            self._call("sms.sms", "create", {"number": CUSTOMER, "body": "x", **FORGED_VALUES},
                       context=FORGED_CONTEXT)
        self.assertFalse(self._texts_to(CUSTOMER))

    def test_administrator_values_and_context_set_no_purpose_on_a_text(self):
        self.authenticate("admin", "admin")
        sms_id = self._call("sms.sms", "create", {
            "number": CUSTOMER, "body": "x", **FORGED_VALUES}, context=FORGED_CONTEXT)
        sms_id = sms_id[0] if isinstance(sms_id, list) else sms_id
        self._call("sms.sms", "send", [sms_id], context=FORGED_CONTEXT)
        self.env.invalidate_all()
        text = self.env["sms.sms"].sudo().browse(sms_id)
        self.assertEqual((text.dealer_purpose, text.dealer_urgent), ("sales", False))
        self.assertEqual(text.failure_type, "sms_blacklist")
        self.assertEqual(self._sent_numbers(), [])

    def test_administrator_cannot_write_a_purpose_on_a_text(self):
        self.env["phone.blacklist"].sudo().remove(CUSTOMER)
        text = self.env["sms.sms"].sudo().create({"number": CUSTOMER, "body": "x"})
        self.authenticate("admin", "admin")
        self._call("sms.sms", "write", [text.id], FORGED_VALUES, context=FORGED_CONTEXT)
        self.env.invalidate_all()
        self.assertEqual((text.dealer_purpose, text.dealer_urgent), ("sales", False))

    def test_forged_urgency_does_not_lift_quiet_hours(self):
        self.env["phone.blacklist"].sudo().remove(CUSTOMER)
        self.env.company.write({"dealer_quiet_hour_start": 8.0, "dealer_quiet_hour_end": 21.0})
        self.env["dealer.consent"]._dealer_record("express", ["sales"], phone=CUSTOMER,
                                                  source="test", at=datetime(2026, 1, 1))
        self.authenticate("admin", "admin")
        sms_id = self._call("sms.sms", "create", {
            "number": CUSTOMER, "body": "x", **FORGED_VALUES}, context=FORGED_CONTEXT)
        text = self.env["sms.sms"].sudo().browse(sms_id[0] if isinstance(sms_id, list)
                                                 else sms_id)
        with self._frozen(NIGHT):
            text.send()
            self._run_queues()
        self.assertEqual(self._sent_numbers(), [])
        self.assertEqual(text.state, "outgoing", "held until the morning")
        self.assertTrue(text.dealer_not_before)

    def test_mail_values_and_context_set_no_purpose_on_an_email(self):
        self.env["mail.blacklist"].sudo()._add("sophie@example.ca")
        self.authenticate("admin", "admin")
        mail_id = self._call("mail.mail", "create", {
            "email_to": "sophie@example.ca", "subject": "x", "body_html": "<p>x</p>",
            "dealer_purpose": "staff"}, context={"dealer_purpose": "staff",
                                                 "default_dealer_purpose": "staff"})
        mail = self.env["mail.mail"].sudo().browse(
            mail_id[0] if isinstance(mail_id, list) else mail_id)
        self.assertFalse(mail.dealer_purpose)
        with self.mock_mail_gateway():
            mail.send()
            self._run_queues()
        self.assertEqual((mail.state, mail.failure_type), ("cancel", "mail_bl"))
