"""The lead in real time: its short code for texts, the claim (first wins), the pass to the
next person in rotation, and the ``dealer_lead/board`` notifications.

Bus contract: ``dealer_lead/board`` ``{lead_id, op: 'upsert'|'remove'}`` is sent to the
members and leader of the lead's team (old and new team when it moves) and to its holder
whenever what the board shows changes (new lead, holder, team, stage, answered, won, lost,
archived); 'remove' once the lead has left the board (answered, closed or archived). Toasts
are ``dealer_lead/alert`` (see models/dealer_staff_alert.py).
"""

from odoo import api, models
from odoo.tools import LazyTranslate

from ..tools import staff_commands

_lt = LazyTranslate(__name__)

# fields whose change moves a lead on, onto or off the live board
BOARD_FIELDS = frozenset({"user_id", "team_id", "stage_id", "active", "probability",
                          "dealer_first_response_at"})


class CrmLead(models.Model):
    # the lead's real-time side (codes, claims, board), apart from the lead's own file
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # Lead code
    # ------------------------------------------------------------

    def _dealer_code(self):
        """The short code that names this lead in texts with staff, e.g. "A7K"."""
        self.ensure_one()
        return staff_commands.encode(self.id)

    @api.model
    def _dealer_from_code(self, code):
        lead_id = staff_commands.decode(code)
        return self.browse(lead_id).exists() if lead_id else self.browse()

    # ------------------------------------------------------------
    # Claim (see crm_lead.py ``_dealer_claim``) and pass
    # ------------------------------------------------------------

    def _dealer_lock(self):
        """Lock the lead's row until the transaction ends. Two claims at once: the second
        waits here, then fails with a serialization error (the row changed after its
        snapshot) and Odoo runs its request again, which then sees the winner."""
        self.ensure_one()
        self.env.cr.execute("SELECT id FROM crm_lead WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["user_id"])

    def _dealer_tell_claimed(self, user):
        """The others who were alerted about the lead see at once that it is taken."""
        others = self.env["dealer.lead.relay"]._dealer_alerted_users(self) - user
        if others:
            self.env["dealer.staff.alert"]._alert(
                self, others, _lt("%(user)s took the lead of %(customer)s.",
                                user=user.name, customer=self._dealer_sla_customer()),
                text=False, notify=False, kind="claimed", sound=False)

    def _dealer_pass_from(self, user):
        """Give the lead held by ``user`` (or by nobody) to the next available person of the
        team's rotation, who is alerted as for a new lead.

        :return: the new holder, empty when nobody else is available (the lead stays)
        """
        self.ensure_one()
        self._dealer_lock()
        if not self.team_id or (self.user_id and self.user_id != user):
            return self.env["res.users"]
        following = self.team_id._dealer_next_available_member(exclude_users=user)
        if not following:
            return following
        # sudo: the salesperson passes the lead from their phone, as the webhook's user
        self.sudo().with_context(mail_auto_subscribe_no_notify=True).user_id = following
        self._message_log(body=self.env._(
            "Lead passed by %(user)s to %(next)s.", user=user.name, next=following.name))
        self._dealer_alert_salesperson()
        return following

    # ------------------------------------------------------------
    # Live board notifications
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._dealer_board_notify()
        return leads

    def write(self, vals):
        if not BOARD_FIELDS.intersection(vals):
            return super().write(vals)
        before = {lead.id: lead._dealer_board_audience() for lead in self}
        result = super().write(vals)
        self._dealer_board_notify(before)
        return result

    def _dealer_on_board(self):
        """Whether the lead is one the live board lists: open and not answered yet."""
        self.ensure_one()
        return bool(self.active and self.won_status == "pending"
                    and not self.dealer_first_response_at)

    def _dealer_board_audience(self):
        """Who sees this lead on a board: its team's members and leader, and its holder."""
        self.ensure_one()
        # sudo: the board's audience is read whoever changes the lead
        lead = self.sudo()
        holder = lead.user_id.filtered(lambda user: not user.share)
        return self.env["res.users"].browse(lead.team_id._dealer_board_user_ids()) | (
            holder.with_env(self.env))

    def _dealer_board_notify(self, before=None):
        """Tell the boards of everyone concerned (before and after the change)."""
        before = before or {}
        for lead in self:
            audience = lead._dealer_board_audience() | before.get(
                lead.id, self.env["res.users"])
            if not audience:
                continue
            op = "upsert" if lead._dealer_on_board() else "remove"
            audience._bus_send("dealer_lead/board", {"lead_id": lead.id, "op": op})
