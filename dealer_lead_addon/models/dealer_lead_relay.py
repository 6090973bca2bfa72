from datetime import timedelta

from odoo import api, fields, models

# how long after the last alert text a reply without a lead code can still be about the lead
RELAY_HOURS = 24


class DealerLeadRelay(models.Model):
    """A lead a staff member was texted about: what their replies from their own mobile can
    be about (claim, pass, a message relayed to the customer).

    One row per lead and user, refreshed at each alert text (``dealer.staff.alert``). The
    customer's answers come back the same way: as an alert text tagged with the lead code.
    """

    _name = "dealer.lead.relay"
    _description = "Lead Conversation by Staff Mobile"
    _order = "last_alert_at desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, readonly=True, ondelete="cascade",
                              index=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade")
    last_alert_at = fields.Datetime(string="Last Alert Text", required=True, readonly=True)

    _lead_user_uniq = models.Constraint(
        "UNIQUE(user_id, lead_id)", "One conversation per lead and staff member.")

    @api.model
    def _dealer_touch(self, lead, user):
        """``user`` was just texted about ``lead``."""
        # sudo: relays are system records written by whoever triggers the alert
        now = fields.Datetime.now()
        self.env.cr.execute("""
            INSERT INTO dealer_lead_relay (lead_id, user_id, last_alert_at, create_uid,
                                           create_date, write_uid, write_date)
            VALUES (%(lead)s, %(user)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
            ON CONFLICT (user_id, lead_id) DO UPDATE SET last_alert_at = EXCLUDED.last_alert_at,
                write_date = EXCLUDED.write_date
        """, {"lead": lead.id, "user": user.id, "now": now, "uid": self.env.uid})
        self.sudo().invalidate_model(["last_alert_at"])

    @api.model
    def _dealer_alerted_users(self, lead):
        # sudo: only who was texted about the lead is read
        return self.sudo().search([("lead_id", "=", lead.id)]).user_id

    @api.model
    def _dealer_open_leads(self, user, now=None):
        """The open leads ``user`` was texted about lately, most recently alerted first:
        what a reply without a lead code can be about."""
        since = (now or fields.Datetime.now()) - timedelta(hours=RELAY_HOURS)
        # sudo: the sender's own conversations, read for a public webhook
        relays = self.sudo().search([("user_id", "=", user.id), ("last_alert_at", ">=", since)])
        return relays.lead_id.filtered(
            lambda lead: lead.active and lead.won_status == "pending")

    @api.model
    def _dealer_knows(self, user, lead):
        """Whether ``user`` may talk about ``lead`` from their phone: they hold it or were
        texted about it."""
        return lead.user_id == user or bool(self.sudo().search_count(
            [("user_id", "=", user.id), ("lead_id", "=", lead.id)], limit=1))
