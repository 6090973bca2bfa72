from odoo import api, fields, models


class DealerLeaderboard(models.AbstractModel):
    """The mystery shopper's figures beside the real ones (which never count test leads:
    ``dealer.response.report`` leaves them out). The board is the managers' (its report is
    theirs); the showroom screen, which salespeople see too, shows no test: a salesperson who
    saw when the tests come would know which leads they are."""

    _inherit = "dealer.leaderboard"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def dealer_leaderboard_data(self, kiosk=False):
        data = super().dealer_leaderboard_data(kiosk=kiosk)
        if kiosk:
            return data
        now = fields.Datetime.from_string(data["generated_at"])
        Shopper = self.env["dealer.mystery.shopper"]
        data["mystery"] = {
            period: Shopper._dealer_mystery_figures(start, end)
            for period, (start, end) in self._dealer_periods(now).items()
        }
        return data
