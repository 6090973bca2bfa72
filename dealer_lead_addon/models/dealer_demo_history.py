import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models

SEED = 13
DEMO_TZ = ZoneInfo("America/Toronto")
FIRST_NAMES = ["Sophie", "Mathieu", "Chloé", "Olivier", "Émilie", "Gabriel", "Léa", "Félix",
               "Camille", "William", "Noémie", "Jacob", "Sarah", "Thomas", "Alexis", "Jessica",
               "Ryan", "Megan", "Kevin", "Ashley"]
LAST_NAMES = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
              "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Smith",
              "Brown", "Wilson", "Nguyen"]
VEHICLES = ["Toyota RAV4", "Honda CR-V", "Toyota Corolla", "Hyundai Tucson", "Mazda CX-5",
            "Ford F-150", "Subaru Outback", "Kia Sportage", "Toyota Tacoma", "Honda Civic"]
# (xml id of the salesperson, median minutes to answer in business hours, weight)
SALESPEOPLE = [("demo_user_marc", 3.0, 4), ("demo_user_julie", 7.0, 3),
               ("demo_user_samuel", 14.0, 2), ("demo_user_isabelle", 5.0, 1)]
SOURCES = [("demo_source_autotrader", 5), ("demo_source_kijiji", 3), ("demo_source_website", 4)]
CHANNELS = [("sms", 6), ("call", 3), ("email", 2), ("video", 1)]


class DealerDemoHistory(models.AbstractModel):
    """Weeks of answered leads for the demo dealership, so that the response dashboard and
    the leaderboard show real figures on the first login.

    Deterministic: a fixed seed, dates counted back from the day the demo is built. The
    leads are created as history (no intake, acknowledgement, sequence nor clock cron runs);
    their response clocks are written already answered, missed or closed.
    """

    _name = "dealer.demo.history"
    _description = "Demo Lead History"

    @api.model
    def _dealer_build(self, weeks=5, seed=SEED):
        rng = random.Random(seed)
        team = self.env.ref("dealer_lead_addon.demo_team_sales")
        policy = self.env["dealer.sla.policy"]._dealer_find(self.env["crm.lead"].new(
            {"team_id": team.id}))
        today = fields.Datetime.now().astimezone(DEMO_TZ).date()
        leads = self.env["crm.lead"]
        for day in range(weeks * 7, 0, -1):
            date = today - timedelta(days=day)
            for _count in range(rng.randint(2, 5) if date.weekday() < 6 else rng.randint(0, 2)):
                leads |= self._dealer_history_lead(rng, team, policy, date)
        return leads

    @api.model
    def _dealer_disable_lead_enrichment(self):
        """Lead enrichment calls Odoo's paid IAP service for every lead: off in the demo."""
        cron = self.env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
        if cron:
            cron.sudo().active = False

    @api.model
    def _dealer_history_lead(self, rng, team, policy, date):
        """One past lead and its first-response clock."""
        started_at = self._dealer_random_moment(rng, date)
        user = self.env.ref("dealer_lead_addon." + _weighted(rng, [
            (xmlid, weight) for xmlid, _median, weight in SALESPEOPLE]))
        source = self.env.ref("dealer_lead_addon." + _weighted(rng, SOURCES))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        vehicle = f"{rng.randint(2019, 2026)} {rng.choice(VEHICLES)}"
        lead = self.env["crm.lead"].with_context(
            dealer_intake_skip=True, tracking_disable=True, mail_create_nolog=True,
            mail_notrack=True).create({
                "name": f"{vehicle} - {first} {last}",
                "contact_name": f"{first} {last}",
                "email_from": f"{first}.{last}@example.com".lower().replace(" ", ""),
                "phone": f"+1514555{rng.randint(1000, 9999)}",
                "team_id": team.id,
                "user_id": user.id,
                "dealer_source_id": source.id,
                "type": "opportunity",
            })
        Clock = self.env["dealer.response.clock"].sudo()
        clock = Clock.create(Clock._dealer_plan(lead, policy, "first", started_at))
        clock.write({"next_step": False, "next_action_at": False})
        answered_at = self._dealer_answer_moment(rng, policy, user, started_at)
        if answered_at:
            clock._dealer_answer(_weighted(rng, CHANNELS), user, answered_at)
            lead.sudo().write({"dealer_first_response_at": answered_at})
        else:
            clock._dealer_close()
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s, date_open = %s WHERE id = %s",
                            (started_at, started_at, lead.id))
        self._dealer_history_outcome(rng, lead, started_at)
        return lead

    @api.model
    def _dealer_history_outcome(self, rng, lead, started_at):
        """Where the lead is now: older leads were often won or lost, recent ones are in the
        first stages."""
        age = (fields.Datetime.now() - started_at).days
        stages = self.env["crm.stage"].search(
            ["|", ("team_ids", "=", False), ("team_ids", "in", lead.team_id.ids)])
        won = stages.filtered("is_won")[:1]
        open_stages = stages - won
        vals = {"expected_revenue": rng.randrange(18000, 75000, 500)}
        draw = rng.random()
        if age > 7 and draw < 0.3 and won:
            vals.update(stage_id=won.id, probability=100)
        elif age > 7 and draw < 0.5:
            vals.update(active=False, probability=0)
        elif open_stages:
            vals["stage_id"] = open_stages[min(int(draw * len(open_stages)),
                                               len(open_stages) - 1)].id
        lead.with_context(tracking_disable=True, mail_notrack=True).write(vals)

    @staticmethod
    def _dealer_random_moment(rng, date):
        """A lead's arrival: mostly in the day and evening, a few at night (after hours)."""
        hour = _weighted(rng, [(h, 1) for h in (0, 5, 6, 7, 22, 23)]
                         + [(h, 4) for h in range(8, 22)])
        local = datetime.combine(date, time(hour, rng.randint(0, 59), rng.randint(0, 59)),
                                 tzinfo=DEMO_TZ)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    @staticmethod
    def _dealer_answer_moment(rng, policy, user, started_at):
        """When the salesperson answered: in business minutes around their own median speed;
        one lead in twelve much later (missed), one in twenty-five never (closed)."""
        if rng.random() < 0.04:
            return None
        median = {xmlid: m for xmlid, m, _w in SALESPEOPLE}.get(
            user.get_external_id().get(user.id, "").split(".")[-1], 8.0)
        minutes = rng.lognormvariate(0, 0.6) * median
        if rng.random() < 0.08:
            minutes += rng.uniform(15, 90)
        return policy._dealer_add_minutes(started_at, max(minutes, 0.5))


def _weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]
