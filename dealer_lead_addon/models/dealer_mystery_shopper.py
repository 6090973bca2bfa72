import json
import logging
import statistics
import uuid
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# context key of the synthetic leads the mystery shopper sends; its value must be this very
# object, which no JSON-RPC call can deliver: only server code flags a lead as a test
MYSTERY_KEY = "dealer_mystery"
MYSTERY_MARK = object()
# the synthetic customer's number when the company set none: 555-01XX numbers are reserved
# for fiction in the North American plan, they belong to no customer
MYSTERY_DEFAULT_PHONE = "+14385550199"
MYSTERY_FIRST_NAME = "Client"
MYSTERY_LAST_NAME = "Mystère"
# a test lead leaves the pipelines this long after a person answered it, or after it arrived
MYSTERY_KEEP_ANSWERED_HOURS = 1
MYSTERY_KEEP_HOURS = 24
# who may know which leads are tests, and when they come (not the salespeople they test)
MANAGERS = "dealer_lead_addon.group_dealer_lead_manager"


def mystery_env(env):
    """``env`` whose intakes and leads are flagged as tests."""
    return env(context=dict(env.context, **{MYSTERY_KEY: MYSTERY_MARK}))


def is_mystery_env(env):
    return env.context.get(MYSTERY_KEY) is MYSTERY_MARK


def without_forged_test_flag(env, vals):
    """``vals`` without ``dealer_is_test`` unless the mystery shopper's own code writes it: a
    client can never mark a record as a test, nor a test as real."""
    if "dealer_is_test" in vals and not is_mystery_env(env):
        return {key: value for key, value in vals.items() if key != "dealer_is_test"}
    return vals


class DealerMysteryShopper(models.AbstractModel):
    """A built-in mystery shopper: on the schedule of each lead source, a synthetic inquiry
    enters the real intake pipeline through the source's own channel (its JSON API, or an ADF
    e-mail), flagged as a test. It is routed, acknowledged and alerted like any lead; its
    texts and e-mails reach only the synthetic contact (the guards of ``sms.sms`` and
    ``mail.mail`` cancel anything else). What it measures (acknowledgement, first human
    answer) is shown on the leaderboard apart, and kept out of the real leads' figures.

    Routing fairness: a test lead takes its turn in the rotation like a real one (what is
    measured is how the team answers a lead it cannot tell from a real one); at one test per
    source and frequency, the extra turn is small and spread evenly by the round robin.
    """

    _name = "dealer.mystery.shopper"
    _description = "Mystery Shopper"

    @api.model
    def _cron_dealer_mystery_shop(self):
        """Send one synthetic inquiry for each source whose mystery shopper is due."""
        now = fields.Datetime.now()
        sources = self.env["dealer.lead.source"].search(
            [("active", "=", True), ("dealer_mystery_interval_hours", ">", 0)])
        for source in sources.filtered(lambda s: s._dealer_mystery_due(now)):
            self._dealer_mystery_send(source, now)
        self._dealer_mystery_tidy(now)

    @api.model
    def _dealer_mystery_tidy(self, now):
        """Archive the test leads that did their job (answered an hour ago) or that nobody
        answered in a day: they do not pile up in the salespeople's pipelines. Their figures
        stay (read from the intakes and the archived leads)."""
        answered_before = now - timedelta(hours=MYSTERY_KEEP_ANSWERED_HOURS)
        created_before = now - timedelta(hours=MYSTERY_KEEP_HOURS)
        # sudo: the scheduler archives its own synthetic leads, whoever holds them
        leads = self.env["crm.lead"].sudo().search([
            ("dealer_is_test", "=", True),
            "|", ("dealer_first_response_at", "<=", answered_before),
            ("create_date", "<=", created_before),
        ])
        for lead in leads:
            lead._message_log(body=lead._dealer_staff_env()._(
                "Mystery shopper test lead: archived, its figures are on the leaderboard."))
        leads.write({"active": False})

    @api.model
    def _dealer_mystery_send(self, source, now=None):
        """One synthetic inquiry of ``source`` through its channel; returns the intake."""
        now = now or fields.Datetime.now()
        # sudo: the scheduler writes the run time on a configuration record
        source.sudo().dealer_mystery_last_at = now
        Intake = self.env["dealer.lead.intake"].with_env(mystery_env(self.env))
        values = {
            "source_id": source.id,
            "company_id": source.company_id.id,
            "dealer_is_test": True,
        }
        ref = f"MYSTERY-{uuid.uuid4().hex[:12]}"
        if source.dealer_mystery_channel == "email":
            values.update(payload=self._dealer_mystery_adf(source, ref),
                          email_from=source._dealer_mystery_sender(),
                          content_type="message/rfc822")
            channel = "email"
        else:
            values.update(payload=self._dealer_mystery_json(source, ref),
                          content_type="application/json")
            channel = "http"
        values["raw_payload"] = values["payload"]
        intake, outcome = Intake._dealer_receive(channel, values)
        _logger.info("Mystery shopper of source %s: intake %s %s", source.code, intake.id,
                     outcome)
        return intake

    @api.model
    def _dealer_mystery_contact(self, company):
        """The synthetic customer's number and address (owned by the dealer)."""
        # sudo: the synthetic contact is a company setting, read by the scheduler and guards
        company = company.sudo()
        phone = company._dealer_e164(company.dealer_mystery_phone or MYSTERY_DEFAULT_PHONE)
        return phone, company.dealer_mystery_email or False

    @api.model
    def _dealer_mystery_customer(self, source):
        phone, email = self._dealer_mystery_contact(source.company_id)
        lang = "fr" if (source.default_lang or "fr_CA").startswith("fr") else "en"
        return {
            "first_name": MYSTERY_FIRST_NAME, "last_name": MYSTERY_LAST_NAME,
            "phone": phone, "email": email, "language": lang,
            "comments": ("Bonjour, ce véhicule est-il encore disponible? Je voudrais un essai "
                         "routier." if lang == "fr" else
                         "Hi, is this vehicle still available? I would like a test drive."),
        }

    @api.model
    def _dealer_mystery_json(self, source, ref):
        customer = self._dealer_mystery_customer(source)
        return json.dumps({
            "provider": source.name,
            "provider_lead_id": ref,
            "customer": {
                "first_name": customer["first_name"], "last_name": customer["last_name"],
                "language": customer["language"],
                **({"email": customer["email"]} if customer["email"] else {}),
                "phones": [{"number": customer["phone"], "type": "mobile"}],
            },
            "comments": customer["comments"],
            "vehicles": [{"interest": "buy", "status": "used", "make": "Toyota",
                          "model": "RAV4", "year": fields.Date.today().year - 2}],
        }, ensure_ascii=False)

    @api.model
    def _dealer_mystery_adf(self, source, ref):
        customer = self._dealer_mystery_customer(source)
        email = f"<email>{customer['email']}</email>" if customer["email"] else ""
        now = fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<?adf version="1.0"?>
<adf><prospect status="new">
<id sequence="1" source="{source.name}">{ref}</id>
<requestdate>{now}</requestdate>
<vehicle interest="buy" status="used"><year>{fields.Date.today().year - 2}</year>
<make>Toyota</make><model>RAV4</model></vehicle>
<customer><contact>
<name part="first">{customer['first_name']}</name><name part="last">{customer['last_name']}</name>
{email}<phone type="cellphone">{customer['phone']}</phone>
</contact><comments>{customer['comments']}</comments></customer>
<provider><name>{source.name}</name></provider>
</prospect></adf>"""

    # ------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------

    @api.model
    def _dealer_mystery_figures(self, start, end):
        """Per source, the test leads received in ``[start, end)``: how many, the median
        seconds to the acknowledgement reaching the provider (or the sandbox), the median
        minutes to the first human answer, and the latest answer (when, by whom). A figure
        with nothing to measure is None (blank on screen)."""
        # sudo: synthetic leads of the user's companies, shown as figures and names only
        intakes = self.env["dealer.lead.intake"].sudo().search([
            ("dealer_is_test", "=", True), ("lead_id", "!=", False),
            ("company_id", "in", self.env.companies.ids),
            ("received_at", ">=", start), ("received_at", "<", end),
        ], order="received_at desc, id desc")
        rows = []
        for source, tests in intakes.grouped("source_id").items():
            acks = [(t.lead_id.dealer_ack_sent_at - t.received_at).total_seconds()
                    for t in tests if t.lead_id.dealer_ack_sent_at]
            answered = tests.filtered(lambda t: t.lead_id.dealer_first_response_at)
            answers = [t.lead_id.dealer_first_response_minutes for t in answered]
            last = answered[:1].lead_id
            rows.append({
                "id": source.id,
                "name": source.display_name or self.env._("No source"),
                "channel": dict(self.env["dealer.lead.intake"]._fields[
                    "channel"]._description_selection(self.env)).get(tests[0].channel),
                "tests": len(tests),
                "acknowledged": len(acks),
                "answered": len(answered),
                "ack_seconds": round(statistics.median(acks)) if acks else None,
                "answer_minutes": round(statistics.median(answers), 1) if answers else None,
                "last_at": fields.Datetime.to_string(tests[0].received_at),
                "last_answered_by": last.dealer_first_response_user_id.name or None,
            })
        rows.sort(key=lambda row: row["name"])
        return rows
