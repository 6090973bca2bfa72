from collections import defaultdict
from datetime import UTC, timedelta

from odoo import fields, models, tools


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # ------------------------------------------------------------
    # Intake routing
    # ------------------------------------------------------------

    dealer_resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Business Hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="When the team answers. Outside these hours new leads get the after-hours "
             "acknowledgement and go to the after-hours owner if nobody is on shift.")
    dealer_after_hours_user_id = fields.Many2one(
        "res.users", string="After-hours Owner",
        help="Receives the team's new leads when no member of the rotation is on shift. "
             "Defaults to the team leader.")

    def _dealer_calendar(self):
        """The team's business hours (its own, else its company's)."""
        team = self[:1]
        return (team.dealer_resource_calendar_id or team.company_id.resource_calendar_id
                or self.env.company.resource_calendar_id)

    def _dealer_is_open(self, at=None):
        """Whether the team's business hours (public holidays included) cover ``at``."""
        return self._dealer_calendar()._dealer_is_open(at or fields.Datetime.now())

    def _dealer_business_minutes(self, start, end):
        """Minutes of the team's business hours (holidays excluded) between two naive UTC
        datetimes; plain minutes when the team has no hours."""
        if end <= start:
            return 0.0
        calendar = self._dealer_calendar()
        if not calendar:
            return (end - start).total_seconds() / 60
        return calendar.get_work_hours_count(
            start.replace(tzinfo=UTC), end.replace(tzinfo=UTC), compute_leaves=True) * 60

    def _dealer_next_opening(self, at=None):
        """Naive UTC start of the next business-hours interval after ``at`` (None if none in
        the next two weeks)."""
        calendar = self._dealer_calendar()
        if not calendar:
            return None
        start = (at or fields.Datetime.now()).replace(tzinfo=UTC)
        intervals = calendar._work_intervals_batch(start, start + timedelta(days=14))[False]
        for begin, _end, _rec in intervals:
            return begin.astimezone(UTC).replace(tzinfo=None)
        return None

    def _dealer_after_hours_owner(self):
        """Who gets the team's leads when nobody of the rotation is on shift."""
        self.ensure_one()
        return self.dealer_after_hours_user_id or self.user_id

    def _dealer_members_on_shift(self, members, at):
        """Members whose working hours (their own calendar and leaves, else the team's hours)
        cover ``at``."""
        # the members' resources and calendars in one query, not one per member
        members.user_id.resource_ids.fetch(["calendar_id"])
        shifts = [(member.id, member.user_id.resource_ids[:1].id,
                   member.user_id.resource_ids[:1].calendar_id.id) for member in members]
        return members.browse(self._dealer_on_shift_ids(shifts, at))

    def _dealer_on_shift_ids(self, shifts, at):
        """Ids of the members on shift at ``at``, ``shifts`` a list of ``(member id, resource
        id, calendar id)``: a member without a calendar works the team's hours."""
        by_calendar = defaultdict(list)
        for member_id, resource_id, calendar_id in shifts:
            by_calendar[calendar_id].append((member_id, resource_id))
        on_shift = []
        for calendar_id, group in by_calendar.items():
            if not calendar_id:
                if self._dealer_is_open(at):
                    on_shift += [member_id for member_id, _resource_id in group]
                continue
            at_work = self.env["resource.calendar"].browse(calendar_id)._dealer_at_work_ids(
                tuple(sorted({resource_id for _member_id, resource_id in group})), at)
            on_shift += [member_id for member_id, resource_id in group if resource_id in at_work]
        return on_shift

    @tools.ormcache("self.id")
    def _dealer_rotation(self):
        """``(member id, user id, resource id, calendar id)`` of the team's members in the
        rotation with an active user. Cached: every inquiry routes. Cleared when members,
        users' activity, resources or hours change (``dealer.at.work.cache.mixin``)."""
        # sudo: the rotation is read whoever creates the lead (website visitor, gateway)
        members = self.sudo().crm_team_member_ids.filtered(
            lambda m: m.dealer_in_rotation and m.user_id.active)
        members.user_id.resource_ids.fetch(["calendar_id"])
        return tuple((member.id, member.user_id.id, member.user_id.resource_ids[:1].id,
                      member.user_id.resource_ids[:1].calendar_id.id) for member in members)

    def _dealer_next_available_member(self, exclude_users=None, at=None):
        """Pick the next salesperson of the team by weighted round robin among members in the
        rotation and on shift at ``at`` (naive UTC, default now).

        Workers routing at the same time take turns in a short side transaction (see
        ``crm.team.member._dealer_take_turn``), so two simultaneous inquiries never both go to
        the same "next" person and neither fails on a serialization error.

        :return: a ``res.users`` record, empty when nobody is available
        """
        self.ensure_one()
        at = at or fields.Datetime.now()
        excluded = set(exclude_users.ids) if exclude_users else set()
        rotation = [row for row in self._dealer_rotation() if row[1] not in excluded]
        member_ids = self._dealer_on_shift_ids([
            (member_id, resource_id, calendar_id)
            for member_id, _user_id, resource_id, calendar_id in rotation], at)
        if not member_ids:
            return self.env["res.users"]
        # sudo: whoever creates the lead (website visitor, salesperson) moves the rotation
        chosen = self.env["crm.team.member"].sudo()._dealer_take_turn(member_ids)
        user_by_member = {member_id: user_id for member_id, user_id, *_rest in rotation}
        return self.env["res.users"].browse(user_by_member[chosen])

    @tools.ormcache("self.id")
    def _dealer_board_user_ids(self):
        """Ids of the internal users who see the team's leads on the live board: its members
        and its leader. Cached: every new lead and every move tells them. Cleared when members
        change (``dealer.at.work.cache.mixin``), the leader (``write``), or a user's access."""
        # sudo: the board's audience is read whoever changes a lead
        team = self.sudo()
        return tuple((team.crm_team_member_ids.user_id | team.user_id).filtered(
            lambda user: not user.share).ids)

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals:
            self.env.registry.clear_cache()  # _dealer_board_user_ids
        return result

    # ------------------------------------------------------------
    # Response SLA
    # ------------------------------------------------------------

    dealer_sla_policy_ids = fields.One2many(
        "dealer.sla.policy", "team_id", string="Response SLAs")

    # ------------------------------------------------------------
    # Texting, sequences and consent
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Live video
    # ------------------------------------------------------------

    def _dealer_video_advisors_on_shift(self, at=None):
        """Members of the rotation whose hours cover ``at``: the ring group of a waiting
        customer whose lead has no salesperson."""
        if not self:
            return self.env["res.users"]
        self.ensure_one()
        members = self.crm_team_member_ids.filtered(
            lambda m: m.dealer_in_rotation and m.user_id.active)
        return self._dealer_members_on_shift(members, at or fields.Datetime.now()).user_id

    # ------------------------------------------------------------
    # Lead board
    # ------------------------------------------------------------

    dealer_up_for_grabs = fields.Boolean(
        string="Up for Grabs",
        help="New leads of this team are offered to every member at once instead of the "
             "rotation: the first to claim one gets it, and it leaves the others' boards.")
