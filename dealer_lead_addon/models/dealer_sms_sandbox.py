import secrets
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.sms_sandbox import DealerSmsApiSandbox
from ..tools.twilio_signature import twilio_signature

SANDBOX_PROVIDER = "dealer_sandbox"
INBOUND_ROUTE = "/dealer_lead/sms/inbound"
MANAGER_GROUP = "dealer_lead_addon.group_dealer_lead_manager"


class DealerSmsSandboxMessage(models.Model):
    """A text the SMS sandbox delivered, as the customer's phone shows it.

    When a company's SMS provider is the sandbox, the queue hands its texts here instead of to
    a provider (after the same guard: opt-out, consent, quiet hours). The sandbox page shows
    them per number next to what the customer answered; an answer is signed with the
    company's Twilio-style auth token and posted by the browser to the real inbound webhook,
    so it goes through the signature check, the keywords (STOP, ARRÊT, AIDE...) and the
    routing of a real text.
    """

    _name = "dealer.sms.sandbox.message"
    _description = "Sandbox Text"
    _order = "date, id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    number = fields.Char(string="Customer Number", required=True, readonly=True, index=True)
    body = fields.Text(readonly=True)
    date = fields.Datetime(string="Delivered On", default=fields.Datetime.now, readonly=True)
    sms_uuid = fields.Char(string="Text UUID", readonly=True, index="btree_not_null")
    state = fields.Selection(
        [("delivered", "Delivered to the sandbox")], default="delivered", readonly=True,
        help="The text did not leave Odoo: the sandbox phone received it.")

    # ------------------------------------------------------------
    # The provider side
    # ------------------------------------------------------------

    @api.model
    def _dealer_sms_api(self, company):
        api = DealerSmsApiSandbox(self.env)
        api._set_company(company)
        return api

    @api.model
    def _dealer_deliver(self, company, messages):
        """Keep the texts of a batch (``SmsApiBase._send_sms_batch`` format).

        :return: one ``{'uuid', 'state': 'delivered'}`` result per text
        """
        values, results = [], []
        for message in messages:
            for recipient in message["numbers"]:
                values.append({"company_id": company.id, "number": recipient["number"],
                               "body": message["content"], "sms_uuid": recipient["uuid"]})
                results.append({"uuid": recipient["uuid"], "state": "delivered"})
        # sudo: the queue driver delivers, whoever queued the text
        self.sudo().create(values)
        return results

    # ------------------------------------------------------------
    # The customer side (sandbox page)
    # ------------------------------------------------------------

    @api.model
    def _dealer_check_sandbox(self):
        """Managers only, and only while the company's texts go to the sandbox."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only sales managers can use the SMS sandbox."))
        company = self.env.company
        if company.sms_provider != SANDBOX_PROVIDER:
            raise UserError(self.env._(
                "The SMS sandbox is off: the texts of %(company)s go to a real provider.",
                company=company.name))
        return company

    @api.model
    def dealer_sandbox_conversations(self):
        """Every number of the sandbox with its texts, oldest first, for the sandbox page."""
        company = self._dealer_check_sandbox()
        # sudo: managers read the sandbox and the texts received from its numbers
        sent = self.sudo().search([("company_id", "=", company.id)])
        received = self.env["dealer.sms.inbound"].sudo().search(
            [("company_id", "=", company.id), ("from_number", "in", sent.mapped("number"))])
        threads = {}
        for text in sent:
            threads.setdefault(text.number, []).append(
                {"id": f"out-{text.id}", "direction": "received", "body": text.body,
                 "date": text.date})
        for text in received:
            threads.setdefault(text.from_number, []).append(
                {"id": f"in-{text.id}", "direction": "sent", "body": text.body,
                 "date": text.received_at or text.create_date})
        names = self._dealer_names(company, list(threads))
        return [{
            "number": number,
            "name": names.get(number, ""),
            "messages": [dict(m, date=fields.Datetime.to_string(m["date"])) for m in sorted(
                messages, key=lambda m: (m["date"], m["id"]))],
        } for number, messages in sorted(
            threads.items(), key=lambda item: max(m["date"] for m in item[1]), reverse=True)]

    @api.model
    def _dealer_names(self, company, numbers):
        """The name for each number: the staff member's whose mobile it is, else the
        customer's on the most recent lead."""
        # sudo: only the name on the lead is shown to the manager next to the number
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).search(
            [("company_id", "in", [company.id, False]),
             "|", ("phone", "!=", False), ("partner_id.phone", "!=", False)],
            order="id desc")
        names = {}
        staff = self.env["res.users"].sudo().search([("dealer_alert_mobile", "!=", False)])
        for user in staff:
            number = company._dealer_e164(user.dealer_alert_mobile)
            if number in numbers:
                names.setdefault(number, self.env._("%(name)s (staff)", name=user.name))
        for lead in leads:
            number = company._dealer_e164(lead.phone or lead.partner_id.phone or "")
            if number in numbers and number not in names:
                names[number] = lead.contact_name or lead.partner_id.name or lead.name
        return names

    @api.model
    def dealer_sandbox_sign_reply(self, number, body):
        """A text from ``number`` to the dealer, as Twilio would post it to the inbound
        webhook, signed with the company's auth token for the configured webhook URL.

        :return: ``{'url', 'params', 'signature'}``; the sandbox page posts ``params`` to
            ``url`` with the ``X-Twilio-Signature`` header
        """
        company = self._dealer_check_sandbox()
        from_number = company._dealer_e164(number or "")
        if not from_number:
            raise UserError(self.env._("%(number)s is not a valid phone number.",
                                       number=number))
        if not (body or "").strip():
            raise UserError(self.env._("Write the customer's text first."))
        # sudo: the sandbox signs with the company's token, as Twilio does with the account's
        company_sudo = company.sudo()
        params = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": company_sudo.sms_twilio_account_sid,
            "From": from_number,
            "To": company._dealer_e164(company.phone or "") or "",
            "Body": body,
            "NumMedia": "0",
        }
        signature = twilio_signature(
            company_sudo.sms_twilio_auth_token, company_sudo.dealer_sms_webhook_url, params)
        return {"url": INBOUND_ROUTE, "params": params, "signature": signature}

    # ------------------------------------------------------------
    # Turning it on
    # ------------------------------------------------------------

    @api.model
    def _dealer_enable_sandbox(self, company, base_url=None):
        """Send the texts of ``company`` (record or id) to the sandbox, unless it texts
        through Twilio: a sandbox account SID and auth token are created when it has none,
        and the webhook URL is set when empty (the inbound route checks signatures against
        it).

        :return: whether the sandbox is on
        """
        # sudo: the account fields are system settings
        company = self.env["res.company"].sudo().browse(getattr(company, "id", company))
        if company.sms_provider == SANDBOX_PROVIDER:
            return True
        if company.sms_provider == "twilio" and company.sms_twilio_account_sid:
            return False
        values = {"sms_provider": SANDBOX_PROVIDER}
        if not company.sms_twilio_account_sid:
            values["sms_twilio_account_sid"] = f"AC{secrets.token_hex(16)}"
        if not company.sms_twilio_auth_token:
            values["sms_twilio_auth_token"] = secrets.token_hex(16)
        if not company.dealer_sms_webhook_url:
            base_url = base_url or company.get_base_url()
            values["dealer_sms_webhook_url"] = base_url.rstrip("/") + INBOUND_ROUTE
        company.write(values)
        return True
