import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..tools import service_reply
from .dealer_service_payment import token_hash

_lt = LazyTranslate(__name__)

APPROVAL_ROUTE = "/dealer_lead/service/approve/"
APPROVAL_LINK_HOURS = 48


class DealerServiceVisit(models.Model):
    """Approvals: while the visit waits for approval the advisor texts an estimate; the
    customer answers OUI / YES / NON / NO by text, or on the estimate's page (where they can
    also ask to see the worn part on live video), or the advisor records their answer given on
    the phone. The answer, who gave it and when are kept on the visit and its chatter."""

    _inherit = "dealer.service.visit"  # pylint: disable=consider-merging-classes-inherited

    estimate_amount = fields.Monetary(currency_field="currency_id", tracking=True,
                                      help="Total of the recommended work, taxes included.")
    estimate_lines = fields.Text(
        string="Recommended Work", help="One line per item, e.g. 'Front brake pads: 289.00'.")
    approval_state = fields.Selection(
        [("none", "Not Asked"), ("pending", "Waiting for the Customer"),
         ("approved", "Approved"), ("declined", "Declined")],
        default="none", required=True, readonly=True, copy=False, tracking=True)
    approval_by = fields.Selection(
        [("text", "Customer, by text"), ("page", "Customer, on the estimate page"),
         ("advisor", "Advisor, customer on the phone")],
        string="Answered By", readonly=True, copy=False)
    approval_at = fields.Datetime(string="Answered At", readonly=True, copy=False)
    approval_user_id = fields.Many2one("res.users", string="Recorded By", readonly=True,
                                       copy=False)
    approval_token_hash = fields.Char(readonly=True, copy=False, index="btree_not_null",
                                      groups="base.group_system")
    approval_link_expires_at = fields.Datetime(string="Estimate Link Expires", readonly=True,
                                               copy=False)
    video_session_ids = fields.One2many("dealer.video.session", "visit_id",
                                        string="Video Calls", readonly=True)

    # ------------------------------------------------------------
    # Estimate
    # ------------------------------------------------------------

    def action_send_estimate(self):
        """Text the customer the estimate with a link to its page (valid 48 hours)."""
        for visit in self:
            if visit.status != "waiting_approval":
                raise UserError(self.env._(
                    "%(visit)s is not waiting for approval.", visit=visit.display_name))
            if visit.estimate_amount <= 0:
                raise UserError(self.env._(
                    "Enter the estimate of %(visit)s before texting it.",
                    visit=visit.display_name))
            if not visit._dealer_send_estimate():
                raise UserError(self.env._(
                    "The estimate could not be texted: the customer has no valid phone "
                    "number."))
        return True

    def _dealer_send_estimate(self):
        token = secrets.token_urlsafe(24)
        now = fields.Datetime.now()
        # sudo: the hash is a secret kept from everybody but the administrators
        self.sudo().write({
            "approval_token_hash": token_hash(token), "approval_state": "pending",
            "approval_link_expires_at": now + timedelta(hours=APPROVAL_LINK_HOURS),
            "approval_by": False, "approval_at": False, "approval_user_id": False,
        })
        url = f"{self.get_base_url()}{APPROVAL_ROUTE}{token}"
        return self.with_context(dealer_approval_url=url)._dealer_service_text(
            "estimate", f"{fields.Datetime.to_string(now)}/{self.estimate_amount}")

    def _dealer_approval_url(self):
        """The estimate's link being texted (only known while its text is rendered)."""
        return self.env.context.get("dealer_approval_url", "")

    def _dealer_estimate_display(self, lang=None):
        """The estimate's total as the customer reads it: '412,50 $' / '$412.50'."""
        self.ensure_one()
        lang = lang or self._dealer_customer_lang()
        amount = f"{self.estimate_amount:,.2f}"
        if lang == "fr":
            return amount.replace(",", "\N{NO-BREAK SPACE}").replace(".", ",") + " $"
        return f"${amount}"

    def _dealer_estimate_line_list(self):
        return [line.strip() for line in (self.estimate_lines or "").splitlines()
                if line.strip()]

    def _dealer_estimate_summary(self):
        """The recommended work in one line for the text (the page shows every line)."""
        return "; ".join(self._dealer_estimate_line_list())[:160]

    @api.model
    def _dealer_visit_for_approval_token(self, token):
        """The visit whose estimate link is ``token`` (still valid or not), else empty."""
        if not token:
            return self.browse()
        # sudo: the public route only knows the token
        return self.sudo().search([("approval_token_hash", "=", token_hash(token))], limit=1)

    def _dealer_approval_link_open(self):
        self.ensure_one()
        return bool(self.approval_link_expires_at
                    and self.approval_link_expires_at > fields.Datetime.now())

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    def action_approve_by_phone(self):
        """The customer approved on the phone: the advisor records it."""
        for visit in self:
            visit._dealer_check_awaiting_answer()
            visit._dealer_record_approval(True, "advisor", self.env.user)
        return True

    def action_decline_by_phone(self):
        """The customer declined on the phone: the advisor records it."""
        for visit in self:
            visit._dealer_check_awaiting_answer()
            visit._dealer_record_approval(False, "advisor", self.env.user)
        return True

    def _dealer_check_awaiting_answer(self):
        if self.status != "waiting_approval":
            raise UserError(self.env._(
                "%(visit)s is not waiting for approval.", visit=self.display_name))

    def _dealer_record_approval(self, approved, by, user=None):
        """Record the answer and move the visit on: approved, the work goes on in the shop
        (checked in again, no second welcome text); declined, the vehicle is ready to be
        picked up without the work.

        :param str by: 'text', 'page' or 'advisor'
        :return: False when the visit no longer waits for an answer (answered already)
        """
        self.ensure_one()
        # two answers at once (a text and the page): the first one counts
        self.env.cr.execute("SELECT 1 FROM dealer_service_visit WHERE id = %s FOR UPDATE",
                            [self.id])
        self.invalidate_recordset(["status", "approval_state"])
        if self.status != "waiting_approval" or self.approval_state in ("approved",
                                                                        "declined"):
            return False
        now = fields.Datetime.now()
        # sudo: the customer (public page, webhook user) records their own answer
        visit = self.sudo()
        visit.write({
            "approval_state": "approved" if approved else "declined", "approval_by": by,
            "approval_at": now, "approval_user_id": user.id if user else False,
        })
        advisor = self._dealer_advisor()
        env = self.with_context(lang=advisor.lang or self.env.lang).env
        how = dict(self._fields["approval_by"]._description_selection(env))[by]
        if approved:
            body = env._("Work approved (%(amount)s): %(how)s.",
                         amount=self._dealer_estimate_display("fr" if (
                             env.lang or "fr").startswith("fr") else "en"), how=how)
        else:
            body = env._("Work declined: %(how)s.", how=how)
        if user:
            body = env._("%(body)s Recorded by %(user)s.", body=body, user=user.name)
        visit._message_log(body=body)
        if by != "advisor":
            self._dealer_alert_advisor(advisor, _lt(
                "%(name)s approved the work on %(visit)s.", name=self.partner_id.name,
                visit=self.display_name) if approved else _lt(
                "%(name)s declined the work on %(visit)s.", name=self.partner_id.name,
                visit=self.display_name))
        visit.with_context(dealer_work_approved=True).status = (
            "checked_in" if approved else "ready")
        return True

    def _dealer_status_changed(self, previous):
        if self.env.context.get("dealer_work_approved") and self.status == "checked_in":
            return None  # back in the shop after an approval: no welcome, same check-in time
        return super()._dealer_status_changed(previous)

    def _dealer_receive_reply(self, inbound):
        """OUI / YES approves a pending estimate, NON / NO declines it."""
        if self.status == "waiting_approval" and self.approval_state == "pending":
            answer, _lang = service_reply.classify(inbound.body)
            if answer in (service_reply.CONFIRM, service_reply.DECLINE):
                inbound._dealer_post_on(self, self._dealer_advisor())
                self._dealer_record_approval(answer == service_reply.CONFIRM, "text")
                return
        super()._dealer_receive_reply(inbound)

    # ------------------------------------------------------------
    # Live video ("show me")
    # ------------------------------------------------------------

    def _dealer_show_me(self):
        """The customer asks to see the part: a live video room of this visit, the advisor
        rung at once.

        :return: the customer's join URL, or '' when live video is not configured
        """
        self.ensure_one()
        Session = self.env["dealer.video.session"].sudo()
        if not Session._dealer_video_configured():
            return ""
        # sudo: the public page opens the room of the visit its token grants
        session = self.sudo().video_session_ids.filtered(
            lambda s: s.state in ("waiting", "ringing", "no_answer"))[:1]
        if not session:
            session = Session.create({"visit_id": self.id})
        url = session._dealer_customer_url()
        session._dealer_on_customer_waiting(
            fields.Datetime.now(), (self.partner_id.name or "").split(" ")[0], False)
        return url
