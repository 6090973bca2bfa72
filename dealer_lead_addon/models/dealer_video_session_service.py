from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools import video_token

_lt = LazyTranslate(__name__)


class DealerVideoSession(models.Model):
    """A live video room of a service visit: the customer taps "show me" on the estimate page
    to see the worn part with the advisor before approving. Same gateway and events as a lead's
    room; the call is recorded on the visit. Its join tokens carry ``lead`` 0 (no lead)."""

    _inherit = "dealer.video.session"  # pylint: disable=consider-merging-classes-inherited

    lead_id = fields.Many2one(required=False)
    visit_id = fields.Many2one("dealer.service.visit", string="Service Visit", index=True,
                               ondelete="cascade", readonly=True)
    # the company of the lead or of the visit (the multi-company rule reads it)
    company_id = fields.Many2one("res.company", related=False, compute="_compute_company_id",
                                 store=True)

    _lead_or_visit = models.Constraint(
        "CHECK(lead_id IS NOT NULL OR visit_id IS NOT NULL)",
        "A video session belongs to a lead or a service visit.")

    @api.depends("lead_id.company_id", "visit_id.company_id")
    def _compute_company_id(self):
        for session in self:
            session.company_id = session.lead_id.company_id or session.visit_id.company_id

    def _dealer_visit_staff_env(self, user=None):
        user = user or self.visit_id._dealer_advisor()
        lang = user.lang or self.visit_id.company_id.partner_id.lang
        return self.with_context(lang=lang).env if lang else self.env

    def _dealer_join_url(self, claims, ttl):
        if not self.visit_id:
            return super()._dealer_join_url(claims, ttl)
        token, exp = video_token.mint_join_token(
            self._dealer_param("video_secret"), dict(claims, room=self.sudo().room, lead=0), ttl)
        base = self._dealer_param("video_gateway_url").rstrip("/")
        return f"{base}/join/{token}", exp

    def _dealer_common_claims(self):
        if not self.visit_id:
            return super()._dealer_common_claims()
        visit = self.visit_id
        claims = {
            "dealer": visit.company_id.name or "",
            "rec": self._dealer_param("video_record", "False") == "True",
            "logo": f"{visit.get_base_url()}/logo.png?company={visit.company_id.id}",
        }
        if visit.vehicle_id:
            claims["vehicle"] = visit.vehicle_id.display_name[:128]
        return claims

    def _dealer_photo_url(self, user, exp):
        if not self.visit_id:
            return super()._dealer_photo_url(user, exp)
        signature = video_token.photo_signature(self._dealer_param("video_secret"), user.id, exp)
        return f"{self.get_base_url()}/dealer_lead/video/photo/{user.id}/{exp}/{signature}"

    def _dealer_customer_url(self):
        if not self.visit_id:
            return super()._dealer_customer_url()
        visit = self.visit_id
        claims = dict(self._dealer_common_claims(), role="customer", sub="customer",
                      name=((visit.partner_id.name or "").split() or [""])[0],
                      lang=visit._dealer_customer_lang())
        url, exp = self._dealer_join_url(claims, self._dealer_link_hours() * 3600)
        # sudo: the public estimate page records the expiry
        self.sudo().link_expires_at = datetime.fromtimestamp(exp, UTC).replace(tzinfo=None)
        return url

    # ------------------------------------------------------------
    # Gateway events
    # ------------------------------------------------------------

    def _dealer_on_customer_waiting(self, at, customer_name, consent):
        """Ring the visit's advisor (the team's manager when the visit has none)."""
        if not self.visit_id:
            return super()._dealer_on_customer_waiting(at, customer_name, consent)
        if self.state not in ("waiting", "no_answer"):
            return False
        users = self.visit_id._dealer_advisor()
        self.write({
            "state": "ringing", "waiting_since": at, "customer_name": customer_name or False,
            "recording_consent": bool(consent), "rung_user_ids": [(6, 0, users.ids)],
        })
        for user in users:
            self._dealer_ring(user)
        if not users:
            self.visit_id._message_log(body=self._dealer_visit_staff_env()._(
                "A customer is waiting on video but no advisor is available."))
        return True

    def _dealer_ring(self, user):
        if not self.visit_id:
            return super()._dealer_ring(user)
        visit = self.visit_id
        customer = self.customer_name or visit.partner_id.name or ""
        link = f"{visit.get_base_url()}/odoo/{visit._name}/{visit.id}"
        seconds = self._dealer_param("video_ring_seconds", 90)
        return self.env["dealer.staff.alert"]._alert(
            visit, user,
            _lt("%(customer)s wants to see the work on %(visit)s on live video: %(link)s",
                customer=customer, visit=visit.display_name, link=link),
            subject=_lt("Customer waiting on video: %(customer)s", customer=customer),
            kind="video_waiting",
            text_body=_lt(
                "%(customer)s wants to see the work on %(visit)s on live video. Join within "
                "%(seconds)s s: %(link)s", customer=customer, visit=visit.display_name,
                seconds=seconds, link=self._dealer_advisor_url(user)))

    def _dealer_on_advisor_joined(self, at, user):
        if not self.visit_id:
            return super()._dealer_on_advisor_joined(at, user)
        if self.advisor_id or self.state == "ended":
            return False
        self.write({"advisor_id": user.id, "state": "in_call", "started_at": at})
        self.visit_id._message_log(body=self._dealer_visit_staff_env(user)._(
            "%(advisor)s joined the live video room.", advisor=user.name))
        return True

    def _dealer_on_no_answer(self, at, callback_at):
        if not self.visit_id:
            return super()._dealer_on_no_answer(at, callback_at)
        if self.state in ("in_call", "ended"):
            return False
        self.write({"state": "no_answer", "callback_at": callback_at or False})
        visit = self.visit_id
        advisor = visit._dealer_advisor()
        env = self._dealer_visit_staff_env(advisor)
        customer = self.customer_name or visit.partner_id.name or ""
        tz = visit.company_id.partner_id.tz or "America/Toronto"
        day = fields.Datetime.context_timestamp(self.with_context(tz=tz), callback_at or at)
        # sudo: the gateway's event schedules the advisor's call
        visit.sudo().activity_schedule(
            "mail.mail_activity_data_call", date_deadline=day.date(),
            summary=env._("Call back: missed video call"),
            note=env._("%(customer)s waited on live video to see the work and nobody "
                       "answered. Call them back as soon as possible.", customer=customer),
            user_id=advisor.id or self.env.ref("base.user_root").id)
        return True

    def _dealer_on_session_ended(self, vals, advisor, recording):
        if not self.visit_id:
            return super()._dealer_on_session_ended(vals, advisor, recording)
        if self.state == "ended":
            return False
        advisor = self.advisor_id or advisor
        self.write(dict(vals, state="ended", advisor_id=advisor.id or False))
        visit = self.visit_id
        if recording and self.recording_consent:
            self.recording_id = self.env["ir.attachment"].create({
                "name": recording["filename"], "mimetype": recording["mimetype"],
                "datas": recording["data_base64"], "res_model": visit._name,
                "res_id": visit.id,
            })
        body = self._dealer_ended_note(self._dealer_visit_staff_env(advisor or None), advisor)
        visit.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note",
                           attachment_ids=self.recording_id.ids)
        return True
