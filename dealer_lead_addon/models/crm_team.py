from odoo import models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # ------------------------------------------------------------
    # Intake routing
    # ------------------------------------------------------------

    def _dealer_next_available_member(self, exclude_users=None, at=None):
        """Pick the next salesperson of the team by weighted round robin among members in the
        rotation and on shift at ``at`` (naive UTC, default now). Implemented by routing.

        :return: a ``res.users`` record, empty when nobody is available
        """
        self.ensure_one()
        return self.env["res.users"]

    # ------------------------------------------------------------
    # Response SLA
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Texting, sequences and consent
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # Live video
    # ------------------------------------------------------------
