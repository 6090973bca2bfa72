import re
from dataclasses import dataclass

from markupsafe import Markup

from odoo import api, models

from ..tools.records import data_record
from .ir_qweb import CACHE_INLINE_KEY

DEALER_PURPOSES = [
    ("ack", "Acknowledgement"),
    ("sales", "Sales follow-up"),
    ("service", "Service"),
    ("marketing", "Marketing"),
    ("staff", "Staff alert"),
    ("transactional", "Transactional"),
    ("keyword", "Keyword Reply"),
]
# dealer-branded: logo, name, address and phone; no record name, no "Powered by Odoo"
MAIL_LAYOUT = "dealer_lead_addon.mail_layout_dealer"
# how a commercial text tells the customer to opt out (CASL and the carriers require it);
# written out per customer language, like the customer templates, so that a French customer
# reads French whether or not the French translation is loaded in the database. One word per
# language in every customer text: ARRÊT (OQLF; ARRET is accepted on input) and STOP.
OPT_OUT_NOTICE = {"fr": "Répondez ARRÊT pour vous désabonner.", "en": "Reply STOP to opt out."}
UNSUBSCRIBE_FOOTER = {
    "fr": ("Vous ne voulez plus recevoir nos courriels?", "Se désabonner"),
    "en": ("No longer want our e-mails?", "Unsubscribe"),
}
OPT_OUT_WORD = re.compile(r"\b(STOP|ARRET|ARRÊT)\b", re.IGNORECASE)
# purposes never held by quiet hours: alerts to our own staff, and the answers to a customer's
# STOP/HELP (carrier rules want them at once)
QUIET_HOURS_EXEMPT = ("staff", "keyword")
# the documents on which staff talk sales with a customer: a message of another app's document
# (an invoice, an order, an appointment) that no code of this addon sent is transactional
# (CASL needs no consent for it; texts still honour STOP)
SALES_DOCUMENTS = ("crm.lead", "res.partner")


@dataclass(frozen=True)
class DealerSend:
    """The purpose of the texts and e-mails created under it, set by server code only.

    ``dealer.outbound`` puts one in the context (``dealer_send``); ``sms.sms`` and ``mail.mail``
    trust a purpose only from an instance of this class. JSON-RPC can only deliver JSON types,
    so no client can forge one: a ``dealer_purpose`` in a client's context or values is ignored.
    """

    purpose: str
    urgent: bool = False


def server_send(env):
    """The :class:`DealerSend` of ``env``'s context, or None when no server code set one."""
    send = env.context.get("dealer_send")
    return send if isinstance(send, DealerSend) else None


class DealerOutbound(models.AbstractModel):
    """The one door through which every text and e-mail of this addon leaves.

    Features (acknowledgement, alerts, sequences, service texts, video links) never call
    ``_message_sms`` or ``mail.template.send_mail`` themselves: they call these methods, which
    stamp the purpose of the message on the ``sms.sms`` / ``mail.mail`` they create (through a
    :class:`DealerSend` in the context, read by their ``create``; messages created without one
    get a purpose from their origin, see ``sms.sms._dealer_default_purpose``). The compliance
    checks (opt-out, consent per purpose, quiet hours) sit lower still, where ``sms.sms`` and
    ``mail.mail`` are finally sent, so nothing can bypass them (see ``sms.sms._send`` and
    ``mail.mail._send``).

    Purposes: 'ack' (first reply to an inquiry), 'sales' (follow-up by a person or sequence),
    'service' (appointment and status texts), 'marketing' (promotions), 'staff' (alerts to our
    own salespeople), 'transactional' (video links, messages the customer asked for),
    'keyword' (the one answer to a STOP, START or HELP text). 'sales' and 'marketing' need a
    valid consent in the ledger (``dealer.consent``) when they are sent.
    """

    _name = "dealer.outbound"
    _description = "Dealer Outbound Messages"

    @api.model
    def _send_sms(self, record, body, *, purpose, number=None, partner=None, urgent=False,
                  author=None, automated=True):
        """Text ``body`` about ``record`` (a ``mail.thread``) and keep it on its chatter.

        Staff alerts (purpose 'staff') are not posted on the customer's conversation: a note on
        the record says what happened to them once the provider answered.

        :param str number: recipient in any format; defaults to the record's phone
        :param partner: recipient partner; defaults to the record's customer
        :param bool urgent: ignore quiet hours (never opt-out nor consent)
        :param author: ``res.users`` who sends; defaults to OdooBot for automated messages
        :param bool automated: True for machine messages (acknowledgement, sequences), which do
            not count as a human response for the SLA
        :return: the ``sms.sms`` records created, queued: the SMS queue, woken at once, sends
            them after this transaction commits (possibly canceled or held by the guard)
        """
        record.ensure_one()
        ctx = {"dealer_send": DealerSend(purpose, bool(urgent)), "dealer_automated": automated}
        if purpose == "staff":
            # sudo: staff alerts are texts to our own people, salespeople have no ACL on sms.sms
            # the record's chatter says what happened to the alert once it is known
            # (``sms.sms._dealer_log_alert_outcome``)
            sms = self.env["sms.sms"].sudo().with_context(**ctx).create({
                "number": number,
                "body": body,
                "partner_id": partner.id if partner else False,
                "dealer_res_model": record._name,
                "dealer_res_id": record.id,
            })
        else:
            author = author or data_record(self.env, "base.user_root")
            message = record.with_context(**ctx)._message_sms(
                body,
                partner_ids=partner.ids if partner else False,
                sms_numbers=[number] if number else None,
                put_in_queue=True,
                author_id=author.partner_id.id,
            )
            # the SMS rows are created by the notification process, read them back by message
            sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        return sms

    @api.model
    def _render_sms(self, template, record, lang):
        """``template``'s body on ``record``, in the template's own language ('fr' or 'en').

        Customer templates are separate French and English records: rendering them in the
        language of whoever triggers the send (a French salesperson, OdooBot) could swap in a
        translation of the other language.
        """
        code = "fr_CA" if lang == "fr" else "en_US"
        return template.with_context(lang=code)._render_field(
            "body", record.ids, compute_lang=False)[record.id]

    @api.model
    def _with_opt_out_notice(self, body, lang):
        """``body`` ending with how to opt out, unless it says it already."""
        if OPT_OUT_WORD.search(body or ""):
            return body
        return f"{(body or '').rstrip()} {OPT_OUT_NOTICE[lang]}"

    @api.model
    def _send_mail(self, record, template, *, purpose, automated=True, partner=None):
        """E-mail ``template`` rendered on ``record`` in the customer's language, kept on the
        record's chatter.

        :return: the ``mail.mail`` records created (possibly canceled later by the guard)
        """
        record.ensure_one()
        ctx = {"dealer_send": DealerSend(purpose), "dealer_automated": automated,
               CACHE_INLINE_KEY: True}
        if not template.lang and hasattr(record, "_dealer_customer_lang"):
            # the layout is rendered in the template's language, else in the sender's (a
            # salesperson, the cron): the customer's, whoever sends
            ctx["lang"] = "fr_CA" if record._dealer_customer_lang() == "fr" else "en_US"
        mail_id = template.with_context(**ctx).send_mail(
            record.id, force_send=False, email_layout_xmlid=MAIL_LAYOUT,
        )
        mails = self.env["mail.mail"].sudo().browse(mail_id)
        if purpose in ("sales", "marketing"):
            self._add_unsubscribe_footer(mails, record)
        # like the texts: sent by the mail queue, woken to run right after this commit
        # sudo: whoever sends (website visitor, gateway user) wakes the mail queue
        data_record(self.env, "mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return mails

    @api.model
    def _add_unsubscribe_footer(self, mails, record):
        """Commercial e-mails end with a one-click way out (CASL): a signed link to
        ``/dealer_lead/unsubscribe`` in the customer's language."""
        email = record.email_normalized if "email_normalized" in record else False
        if not email:
            return
        lang = record._dealer_customer_lang() if record._name == "crm.lead" else "fr"
        url = self.env["dealer.consent"]._dealer_unsubscribe_url(email, lang)
        footer = Markup(
            '<p style="font-size:12px;color:#777;">%s <a href="%s">%s</a></p>') % (
            UNSUBSCRIBE_FOOTER[lang][0], url, UNSUBSCRIBE_FOOTER[lang][1])
        for mail in mails:
            mail.body_html = Markup(mail.body_html or "") + footer
