from odoo import models


class CrmLead(models.Model):
    """Dealer extensions of the lead.

    The file is organised by feature; each section only adds what its feature needs. The
    cross-feature hooks at the bottom are the seams between features: intake calls them, texting
    and video call them, and each feature reacts in its own ``_dealer_<feature>_*`` method.
    """

    _inherit = "crm.lead"

    # ------------------------------------------------------------
    # Intake, routing and acknowledgement
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Response SLA
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Texting, sequences and consent
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Live video
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Cross-feature hooks
    # ------------------------------------------------------------

    def _dealer_customer_engaged(self, channel, message=None):
        """The customer wrote (SMS, e-mail reply, video call request) on these leads.

        :param str channel: 'sms', 'email', 'video' or 'web'
        :param message: the ``mail.message`` posted for it, if any
        """
        self._dealer_sla_on_customer_message(channel, message)
        self._dealer_sequence_on_customer_reply(channel)

    def _dealer_human_responded(self, channel, user, when=None):
        """A person answered the customer (SMS, e-mail, logged call, video session).

        :param str channel: 'sms', 'email', 'call' or 'video'
        :param user: the ``res.users`` who answered
        :param when: naive UTC datetime, defaults to now
        """
        self._dealer_sla_on_human_response(channel, user, when)

    def _dealer_sla_on_customer_message(self, channel, message):
        """Response SLA: start a message-response clock. Implemented by the SLA feature."""

    def _dealer_sla_on_human_response(self, channel, user, when):
        """Response SLA: stop the running clock. Implemented by the SLA feature."""

    def _dealer_sequence_on_customer_reply(self, channel):
        """Sequences: the customer answered, leave the sequence. Implemented by sequences."""
