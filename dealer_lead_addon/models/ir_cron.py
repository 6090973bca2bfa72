from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import api, models

NOTIFIED_KEY = "dealer_lead_addon.cron_workers_notified"


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _notifydb(self):
        """Wake the cron workers once per commit, not once per trigger.

        Every ``_trigger()`` due now adds its own wake-up after the commit, and each opens a
        new connection to the ``postgres`` database: an intake that queues a text, an e-mail
        and an alert paid for several identical ``NOTIFY`` in the request. The first one after
        a commit wakes the workers for every trigger of that transaction; the others are
        skipped. Only after a commit (no transaction open on the cursor): a direct call
        inside a transaction always notifies.
        """
        cr = self.env.cr
        connection = getattr(cr, "_cnx", None)  # test cursors have none: always notify
        if connection is None or connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return super()._notifydb()
        if cr.postcommit.data.get(NOTIFIED_KEY):
            return None
        cr.postcommit.data[NOTIFIED_KEY] = True
        return super()._notifydb()
