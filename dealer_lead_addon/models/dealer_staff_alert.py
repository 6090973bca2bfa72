"""Staff alerts, and their real-time side on Odoo's bus.

Bus contract (the board and the web client's ``dealer_lead_realtime`` service read it):

- ``dealer_lead/alert`` to each alerted user (their partner channel, ``user._bus_send``):
  ``{kind: 'new_lead'|'deadline_soon'|'overdue'|'customer_text'|'video_waiting'|'claimed',
  lead_id, title, body, url, sound: bool}``, in the user's language; shown as a toast with a
  sound that opens the lead in one click.
- ``dealer_lead/board`` to the members of the lead's team (and its holder) when what the
  board shows of a lead changes: ``{lead_id, op: 'upsert'|'remove'}`` (``crm.lead``,
  models/crm_lead_realtime.py).
"""

import re

from odoo import api, fields, models
from odoo.tools import LazyTranslate

from ..tools.records import data_record

_lt = LazyTranslate(__name__)

ALERT_KINDS = ("new_lead", "deadline_soon", "overdue", "customer_text", "video_waiting",
               "claimed")
# the link of a text alert is the toast's click: not repeated in its body
LINK_RE = re.compile(r"[\s:]*https?://\S+")


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
               notify=True, activity=None, kind=None, sound=True):
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
        :param kind: one of ``ALERT_KINDS``: also shown at once on the user's Odoo screen
            (``dealer_lead/alert`` on the bus), with a sound unless ``sound`` is False
        """
        for user in users.filtered(lambda user: not user.share):
            env = self.with_context(lang=user.lang or self.env.lang).env
            if activity:
                self._dealer_schedule_activity(record, user, env._(activity), env._(body))
            if notify:
                self._dealer_notify_inbox(record, user, env._(body),
                                          env._(subject) if subject else False)
            if kind:
                self._dealer_bus_alert(record, user, kind, env._(body),
                                       env._(subject) if subject else False, sound)
            if text and user.dealer_alert_mobile:
                self.env["dealer.outbound"]._send_sms(
                    record, self._dealer_text_with_code(record, env._(text_body or body)),
                    purpose="staff", number=user.dealer_alert_mobile, partner=user.partner_id)
                if record._name == "crm.lead":
                    self.env["dealer.lead.relay"]._dealer_touch(record, user)
            elif text:
                record._message_log(body=env._(
                    "Alert to %(user)s in Odoo only (no alert mobile): %(body)s",
                    user=user.name, body=env._(body)))

    @api.model
    def _dealer_bus_alert(self, record, user, kind, body, title, sound):
        """The toast of the alert on ``user``'s open Odoo tabs (sent when this transaction
        commits, so never about a lead that is rolled back)."""
        is_lead = record._name == "crm.lead"
        user._bus_send("dealer_lead/alert", {
            "kind": kind,
            "lead_id": record.id if is_lead else False,
            "title": title or body,
            "body": LINK_RE.sub("", body).strip(),
            "url": f"/odoo/crm/{record.id}" if is_lead else f"/odoo/{record._name}/{record.id}",
            "sound": bool(sound),
        })

    @api.model
    def _dealer_text_with_code(self, record, body):
        """An alert text about a lead starts with its code: the salesperson's reply can name
        the lead (see ``dealer.staff.command``)."""
        if record._name != "crm.lead":
            return body
        return f"#{record._dealer_code()} {body}"

    @api.model
    def _dealer_notify_inbox(self, record, user, body, subject):
        # sudo: the gateway or cron user may not read the salesperson's partner
        record.sudo().message_notify(
            partner_ids=user.partner_id.ids, body=body, subject=subject,
            author_id=data_record(self.env, "base.partner_root").id, dealer_notify_inbox=True)

    @api.model
    def _dealer_schedule_activity(self, record, user, summary, note):
        """A to-do for ``user`` today, without Odoo's assignment notification (which follows
        the e-mail preference): the inbox notification of the alert tells them."""
        # sudo: the cron user schedules activities for any salesperson or manager
        record.sudo().with_context(mail_activity_quick_update=True).activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self),
            summary=summary, note=note, user_id=user.id)
