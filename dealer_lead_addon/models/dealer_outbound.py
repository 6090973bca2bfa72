from odoo import api, models


class DealerOutbound(models.AbstractModel):
    """The one door through which every text and e-mail of this addon leaves.

    Features (acknowledgement, alerts, sequences, service texts, video links) never call
    ``_message_sms`` or ``mail.template.send_mail`` themselves: they call these methods, which
    record the purpose of the message on the ``sms.sms`` / ``mail.mail`` they create. The
    compliance checks (opt-out, consent per purpose, quiet hours) sit lower still, where
    ``sms.sms`` and ``mail.mail`` are finally sent, so nothing can bypass them.

    Purposes: 'ack' (first reply to an inquiry), 'sales' (follow-up by a person or sequence),
    'service' (appointment and status texts), 'marketing' (promotions: need express or valid
    implied consent), 'staff' (alerts to our own salespeople), 'transactional' (opt-out
    confirmations, HELP answers).
    """

    _name = "dealer.outbound"
    _description = "Dealer Outbound Messages"

    @api.model
    def _send_sms(self, record, body, *, purpose, number=None, partner=None, urgent=False,
                  author=None, automated=True):
        """Text ``body`` about ``record`` (a ``mail.thread``), post it on its chatter.

        :param str number: recipient in any format; defaults to the record's phone
        :param bool urgent: ignore quiet hours (never opt-out nor consent)
        :param bool automated: True for machine messages (acknowledgement, sequences), which do
            not count as a human response for the SLA
        :return: the ``sms.sms`` records created (possibly canceled by the guard)
        """
        raise NotImplementedError

    @api.model
    def _send_mail(self, record, template, *, purpose, automated=True):
        """E-mail ``template`` rendered on ``record`` in the customer's language.

        :return: the ``mail.mail`` records created (possibly canceled by the guard)
        """
        raise NotImplementedError
