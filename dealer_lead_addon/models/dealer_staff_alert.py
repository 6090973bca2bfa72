from odoo import api, fields, models
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)


class DealerStaffAlert(models.AbstractModel):
    """The one way our own people are alerted (new lead, repeat inquiry, customer text, SLA
    steps, customer waiting on video, text not delivered).

    Each user reads the alert in their own language, in Odoo's inbox whatever their
    notification preference (an alert in a mailbox is an alert missed), and on their alert
    mobile (``res.users.dealer_alert_mobile``) when the alert is meant to be texted: never on
    their partner's phone, never as an SMS notification. The record's chatter says what
    happened to the text once the provider answered (``sms.sms._dealer_log_alert_outcome``).
    """

    _name = "dealer.staff.alert"
    _description = "Dealer Staff Alerts"

    @api.model
    def _alert(self, record, users, body, *, subject=None, text=True, text_body=None,
               notify=True, activity=None):
        """Alert each of ``users`` about ``record`` (a ``mail.thread``).

        Texts are translatable templates with their parameters (``_lt("...", name=...)``),
        written in each user's language.

        :param body: the alert
        :param subject: the subject of the Odoo notification
        :param bool text: also text the alert to the user's alert mobile, if they have one
        :param text_body: what is texted, when it differs from ``body`` (e.g. a personal link)
        :param bool notify: notify in Odoo's inbox; False when the message that ``record``
            just received already notified the users in their inbox
        :param activity: summary of a to-do scheduled today for the user, ``body`` its note
        """
        for user in users.filtered(lambda user: not user.share):
            env = self.with_context(lang=user.lang or self.env.lang).env
            if activity:
                self._dealer_schedule_activity(record, user, env._(activity), env._(body))
            if notify:
                self._dealer_notify_inbox(record, user, env._(body),
                                          env._(subject) if subject else False)
            if text and user.dealer_alert_mobile:
                self.env["dealer.outbound"]._send_sms(
                    record, env._(text_body or body), purpose="staff",
                    number=user.dealer_alert_mobile, partner=user.partner_id)
            elif text:
                record._message_log(body=env._(
                    "Alert to %(user)s in Odoo only (no alert mobile): %(body)s",
                    user=user.name, body=env._(body)))

    @api.model
    def _dealer_notify_inbox(self, record, user, body, subject):
        # sudo: the gateway or cron user may not read the salesperson's partner
        record.sudo().message_notify(
            partner_ids=user.partner_id.ids, body=body, subject=subject,
            author_id=self.env.ref("base.partner_root").id, dealer_notify_inbox=True)

    @api.model
    def _dealer_schedule_activity(self, record, user, summary, note):
        """A to-do for ``user`` today, without Odoo's assignment notification (which follows
        the e-mail preference): the inbox notification of the alert tells them."""
        # sudo: the cron user schedules activities for any salesperson or manager
        record.sudo().with_context(mail_activity_quick_update=True).activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self),
            summary=summary, note=note, user_id=user.id)
