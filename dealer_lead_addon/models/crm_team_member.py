from odoo import api, fields, models

from ..tools.concurrency import read_committed_cursor

TURNS_KEY = "dealer_lead_addon.round_robin_turns"
MEMBERS_WRITTEN_KEY = "dealer_lead_addon.team_members_written"


def _give_back_turns(cr, member_ids):
    """One turn less for each of ``member_ids`` (a member taking two turns back loses two)."""
    for member_id in member_ids:
        cr.execute("""
            UPDATE crm_team_member
               SET dealer_assigned_count = GREATEST(COALESCE(dealer_assigned_count, 0) - 1, 0)
             WHERE id = %s
        """, [member_id])


class CrmTeamMember(models.Model):
    # a change of member clears the cached rotation (crm.team._dealer_rotation)
    _name = "crm.team.member"
    _inherit = ("crm.team.member", "dealer.at.work.cache.mixin")

    dealer_in_rotation = fields.Boolean(
        string="In Rotation", default=True,
        help="Receives new leads by round robin when on shift.")
    dealer_weight = fields.Integer(
        string="Rotation Weight", default=1,
        help="Relative share of new leads: a weight of 2 receives twice as many as 1.")
    dealer_assigned_count = fields.Integer(
        string="Leads Received", default=0, readonly=True, copy=False)
    dealer_last_assigned_at = fields.Datetime(string="Last Lead At", readonly=True, copy=False)

    _dealer_weight_positive = models.Constraint(
        "CHECK(dealer_weight > 0)", "The rotation weight must be positive.")

    @api.model_create_multi
    def create(self, vals_list):
        self._dealer_mark_members_written()
        return super().create(vals_list)

    def write(self, vals):
        self._dealer_mark_members_written()
        return super().write(vals)

    def unlink(self):
        self._dealer_mark_members_written()
        return super().unlink()

    @api.model
    def _dealer_mark_members_written(self):
        """This transaction now holds (or is about to hold) row locks on team members: a side
        transaction taking a turn would wait for its own caller until its lock timeout. Until
        the transaction ends, turns are taken in it instead (``_dealer_take_turn``). Requests
        that route leads never write members; scripts and imports that add a salesperson and
        then create leads in one transaction do."""
        self.env.cr.postrollback.data[MEMBERS_WRITTEN_KEY] = True

    @api.model
    def _dealer_members_written(self):
        return self.env.cr.postrollback.data.get(MEMBERS_WRITTEN_KEY, False)

    @api.model
    def _dealer_rotation_key(self, count, weight, last_assigned_at, member_id):
        """Weighted fair order: who is furthest below their share goes first, then who waited
        longest, then a stable id order."""
        return ((count + 1) / (weight or 1),
                last_assigned_at or fields.Datetime.from_string("1970-01-01"), member_id)

    @api.model
    def _dealer_take_turn(self, member_ids):
        """Choose the next of ``member_ids`` and count the lead for them, in a side
        transaction (READ COMMITTED, committed at once).

        The request's transaction never writes member rows: two workers routing at the same
        time wait a few milliseconds for each other instead of failing on a serialization
        error. The trade-off: the count is committed before the lead. If the request then
        rolls back (an error, or a retry after a concurrency error), the turn is given back
        right after the rollback (``postrollback``), so the counts stay the number of leads
        actually routed, and each salesperson within one lead of their share. Only a worker
        killed between the two commits leaves a count one ahead (one lead less for that
        person).

        A transaction that wrote team members itself takes its turn inline: the side
        transaction would wait for the locks its own caller holds.

        :return: the chosen member id
        """
        self.flush_model(["dealer_assigned_count", "dealer_last_assigned_at", "dealer_weight"])
        now = fields.Datetime.now()
        with read_committed_cursor(self.env, inline=self._dealer_members_written()) as (
                cr, inline):
            cr.execute("""
                SELECT id, dealer_assigned_count, dealer_weight, dealer_last_assigned_at
                  FROM crm_team_member WHERE id IN %s ORDER BY id FOR UPDATE
            """, [tuple(member_ids)])
            rows = cr.fetchall()
            chosen = min(rows, key=lambda row: self._dealer_rotation_key(
                row[1] or 0, row[2], row[3], row[0]))[0]
            cr.execute("""
                UPDATE crm_team_member
                   SET dealer_assigned_count = COALESCE(dealer_assigned_count, 0) + 1,
                       dealer_last_assigned_at = %s
                 WHERE id = %s
            """, [now, chosen])
        self.browse(member_ids).invalidate_recordset(
            ["dealer_assigned_count", "dealer_last_assigned_at"])
        if not inline:
            self._dealer_give_back_on_rollback(chosen)
        return chosen

    @api.model
    def _dealer_give_back_on_rollback(self, member_id):
        """Register the turn as taken by this transaction: a rollback gives it back."""
        postrollback = self.env.cr.postrollback
        turns = postrollback.data.setdefault(TURNS_KEY, [])
        if not turns:
            registry = self.env.registry

            def give_back():
                with registry.cursor() as cr:
                    _give_back_turns(cr, turns)

            postrollback.add(give_back)
        turns.append(member_id)

    @api.model
    def _dealer_give_back_turns_since(self, mark):
        """Give back the turns this transaction took after ``mark`` (a savepoint of the
        intake pipeline rolled back: the lead they were for does not exist)."""
        turns = self.env.cr.postrollback.data.get(TURNS_KEY) or []
        given, turns[mark:] = turns[mark:], []
        if not given:
            return
        with read_committed_cursor(self.env) as (cr, _inline):
            _give_back_turns(cr, given)

    @api.model
    def _dealer_turns_mark(self):
        return len(self.env.cr.postrollback.data.get(TURNS_KEY) or [])
