import hashlib
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.payment import utils as payment_utils

PAY_ROUTE = "/dealer_lead/service/pay/"
PAYMENT_LINK_DAYS = 3


def token_hash(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


class DealerServiceVisit(models.Model):
    """Payment links of a visit: the advisor (or the 'ready' rule of the team) texts a link for
    the amount due; the visit shows paid as soon as Odoo's payment transaction is done."""

    _inherit = "dealer.service.visit"  # pylint: disable=consider-merging-classes-inherited

    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(currency_field="currency_id", tracking=True)
    payment_state = fields.Selection(
        [("not_paid", "Not Paid"), ("link_sent", "Link Sent"), ("paid", "Paid")],
        default="not_paid", readonly=True, copy=False, tracking=True)
    paid_at = fields.Datetime(readonly=True, copy=False)
    payment_token_hash = fields.Char(readonly=True, copy=False, index="btree_not_null",
                                     groups="base.group_system")
    payment_link_expires_at = fields.Datetime(string="Payment Link Expires", readonly=True,
                                              copy=False)
    payment_transaction_ids = fields.One2many(
        "payment.transaction", "dealer_service_visit_id", string="Payments", readonly=True)

    def _dealer_status_changed(self, previous):
        result = super()._dealer_status_changed(previous)
        if (self.status == "ready" and self.team_id.payment_link_at_ready
                and self.amount_due > 0 and self.payment_state != "paid"):
            self._dealer_send_payment_link()
        return result

    def _dealer_payment_reference(self):
        return f"SRV{self.id}"

    def action_send_payment_link(self):
        """Text the customer a link to pay the amount due (valid 3 days)."""
        for visit in self:
            if visit.amount_due <= 0 or visit.payment_state == "paid":
                raise UserError(self.env._("There is no amount due on %(visit)s.",
                                           visit=visit.display_name))
            visit._dealer_send_payment_link()
        return True

    def _dealer_send_payment_link(self):
        token = secrets.token_urlsafe(24)
        now = fields.Datetime.now()
        # sudo: the hash is a secret kept from everybody but the administrators
        self.sudo().write({"payment_token_hash": token_hash(token),
                           "payment_link_expires_at": now + timedelta(days=PAYMENT_LINK_DAYS),
                           "payment_state": "link_sent"})
        url = f"{self.get_base_url()}{PAY_ROUTE}{token}"
        return self.with_context(dealer_payment_url=url)._dealer_service_text(
            "payment_link", f"{fields.Datetime.to_string(now)}/{self.amount_due}")

    def _dealer_payment_url(self):
        """The link being texted (only known while its text is rendered)."""
        return self.env.context.get("dealer_payment_url", "")

    @api.model
    def _dealer_visit_for_payment_token(self, token):
        """The visit whose payment link is ``token`` (still valid or not), else empty."""
        if not token:
            return self.browse()
        # sudo: the public route only knows the token
        return self.sudo().search([("payment_token_hash", "=", token_hash(token))], limit=1)

    def _dealer_payment_redirect(self):
        """Odoo's payment page for the amount due, the reference and the customer."""
        self.ensure_one()
        partner, currency = self.partner_id, self.currency_id
        params = {
            "reference": self._dealer_payment_reference(),
            "amount": self.amount_due,
            "currency_id": currency.id,
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "access_token": payment_utils.generate_access_token(
                partner.id, self.amount_due, currency.id, env=self.env),
        }
        return "/payment/pay?" + "&".join(f"{key}={value}" for key, value in params.items())

    def _dealer_paid(self, transactions):
        """A payment transaction of this visit is done."""
        paid = sum(transactions.filtered(lambda tx: tx.state == "done").mapped("amount"))
        if self.payment_state != "paid" and paid >= self.amount_due > 0:
            # sudo: the payment (public user or provider webhook) settles the visit
            self.sudo().write({"payment_state": "paid", "paid_at": fields.Datetime.now(),
                               "payment_token_hash": False})
            self.sudo()._message_log(body=self.env._(
                "Paid online: %(amount)s (%(reference)s).",
                amount=self.currency_id.format(paid),
                reference=", ".join(transactions.mapped("reference"))))
