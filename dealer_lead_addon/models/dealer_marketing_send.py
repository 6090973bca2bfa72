from collections import Counter

from odoo import api, fields, models

from ..tools.concurrency import read_committed_cursor
from .dealer_lead_intake import advisory_lock_id


class DealerMarketingSend(models.Model):
    """One marketing text handed to the provider: the memory of the per-customer frequency
    cap. ``sms.sms`` rows are deleted once sent, so the cap cannot count them; this log is
    written by the SMS queue under a lock per number, in the transaction that marks the texts
    in flight (see ``sms.sms._dealer_within_marketing_cap``)."""

    _name = "dealer.marketing.send"
    _description = "Marketing Text Sent"
    _order = "sent_at desc, id desc"
    _rec_name = "number"

    number = fields.Char(required=True, readonly=True, index=True,
                         help="E.164 number of the customer.")
    sent_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    mailing_id = fields.Many2one("mailing.mailing", string="Campaign", readonly=True,
                                 index="btree_not_null", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)

    _number_sent_at_idx = models.Index("(number, sent_at)")

    @api.model
    def _dealer_lock_numbers(self, numbers):
        """Take this transaction's cap lock on each number, in order (no deadlock between
        two workers locking several), waiting for a worker that holds one to commit."""
        for number in sorted(set(numbers)):
            self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", [
                advisory_lock_id(f"marketing-cap:{number}")])

    @api.model
    def _dealer_counts_since(self, numbers, since):
        """How many marketing texts each of ``numbers`` was sent since ``since``, as
        committed now (a fresh READ COMMITTED read: the caller holds the numbers' locks, and
        its own snapshot may predate another worker's sends).

        :return: ``Counter`` number -> count
        """
        query = """
            SELECT number, count(*) FROM dealer_marketing_send
             WHERE number = ANY(%s) AND sent_at > %s GROUP BY number
        """
        self.flush_model()
        with read_committed_cursor(self.env) as (cr, _inline):
            cr.execute(query, [list(numbers), since])
            return Counter(dict(cr.fetchall()))
