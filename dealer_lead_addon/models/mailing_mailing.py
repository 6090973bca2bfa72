from odoo import fields, models
from odoo.tools import SQL

# a reply counts for the last campaign text its number received in this many days before
REPLY_WINDOW_DAYS = 30


class MailingMailing(models.Model):
    """Text campaigns count what customers answered: their replies, and how many opted out
    (STOP / ARRÊT). A reply counts for the last campaign text the number received."""

    _inherit = "mailing.mailing"

    dealer_reply_count = fields.Integer(
        string="Replies", compute="_compute_dealer_reply_counts",
        help="Texts received from the recipients after this campaign reached them (the last "
             "campaign each received, in the 30 days before).")
    dealer_optout_count = fields.Integer(
        string="Opt-outs", compute="_compute_dealer_reply_counts",
        help="Recipients who answered this campaign with STOP or ARRÊT.")

    def _compute_dealer_reply_counts(self):
        counts = {mailing_id: (replies, optouts)
                  for mailing_id, replies, optouts, _ids in self._dealer_reply_rows()}
        for mailing in self:
            mailing.dealer_reply_count, mailing.dealer_optout_count = counts.get(
                mailing.id, (0, 0))

    def _dealer_reply_rows(self):
        """``(mailing id, replies, opt-outs, inbound ids)`` of these campaigns, from the
        inbound texts."""
        ids = [mailing_id for mailing_id in self.ids if isinstance(mailing_id, int)]
        if not ids:
            return []
        self.env["mailing.trace"].flush_model()
        self.env["dealer.sms.inbound"].flush_model()
        self.env.cr.execute(SQL("""
            WITH replies AS (
                SELECT inbound.id, inbound.keyword, (
                    SELECT trace.mass_mailing_id FROM mailing_trace trace
                     WHERE trace.trace_type = 'sms' AND trace.sms_number = inbound.from_number
                       -- received_at has whole seconds, sent_datetime microseconds
                       AND date_trunc('second', trace.sent_datetime) <= inbound.received_at
                       AND trace.sent_datetime
                           > inbound.received_at - make_interval(days => %(days)s)
                     ORDER BY trace.sent_datetime DESC, trace.id DESC LIMIT 1
                ) AS mailing_id
                  FROM dealer_sms_inbound inbound
                 WHERE inbound.from_number IN (
                    SELECT sms_number FROM mailing_trace
                     WHERE mass_mailing_id = ANY(%(ids)s) AND sent_datetime IS NOT NULL)
            )
            SELECT mailing_id, count(*), count(*) FILTER (WHERE keyword = 'stop'),
                   array_agg(id ORDER BY id)
              FROM replies WHERE mailing_id = ANY(%(ids)s) GROUP BY mailing_id
        """, days=REPLY_WINDOW_DAYS, ids=ids))
        return self.env.cr.fetchall()

    def action_dealer_view_replies(self):
        """The texts the recipients sent back after this campaign (only the opt-outs with
        ``dealer_optouts`` in the context: a filter of the list, nothing more)."""
        self.ensure_one()
        ids = [inbound_id for row in self._dealer_reply_rows() for inbound_id in row[3]]
        domain = [("id", "in", ids)]
        if self.env.context.get("dealer_optouts"):
            domain.append(("keyword", "=", "stop"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replies"),
            "res_model": "dealer.sms.inbound",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
        }
