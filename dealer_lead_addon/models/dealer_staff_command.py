from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..tools import staff_commands as commands

_lt = LazyTranslate(__name__)


class DealerStaffCommand(models.AbstractModel):
    """The salesperson's phone is the console: what a staff member texts back to the dealer's
    number from their own alert mobile (``res.users.dealer_alert_mobile``).

    ``1`` / OK / OUI claims the lead (first claim wins), ``P`` passes it to the next person in
    rotation, ``IN`` / ``OUT`` joins or leaves the rotation, ``?`` / AIDE / HELP lists the
    commands. Anything else from the holder of the lead goes to the customer from the dealer's
    number, through the guard, posted on the lead as the salesperson's own text (it is the
    human response of the SLA clock once it leaves). Which lead: the code the reply starts
    with ("#A7K 1"), else the one open lead the person was texted about; when it could be
    several, the answer asks which. Every answer is texted in the staff member's language.
    """

    _name = "dealer.staff.command"
    _description = "Staff Commands by Text"

    @api.model
    def _dealer_handle(self, inbound, user):
        """Obey the text ``inbound`` sent by ``user``; say on ``inbound`` what was done."""
        # the staff member's language for every answer and note
        return self.with_context(lang=user.lang or self.env.lang)._dealer_obey(inbound, user)

    @api.model
    def _dealer_obey(self, inbound, user):
        lead_id, rest = commands.split_code(inbound.body)
        lead = self.env["crm.lead"].sudo().browse(lead_id).exists() if lead_id else None
        relay = self.env["dealer.lead.relay"]
        if lead and not relay._dealer_knows(user, lead):
            if inbound.body.lstrip().startswith("#"):
                return self._dealer_answer(inbound, user, self.env._(
                    "No lead of yours has the code %(code)s. Reply ? for help.",
                    code=inbound.body.split()[0]))
            lead, rest = None, inbound.body.strip()  # a word that only looks like a code
        action = commands.command(rest)
        if action == commands.HELP:
            return self._dealer_answer(inbound, user, self._dealer_help_text())
        if action in (commands.JOIN, commands.LEAVE):
            return self._dealer_rotation(inbound, user, action == commands.JOIN)
        if not lead:
            lead = self._dealer_which_lead(inbound, user)
            if not lead:
                return False
        inbound.lead_id = lead
        if action == commands.CLAIM:
            return self._dealer_claim(inbound, user, lead)
        if action == commands.PASS:
            return self._dealer_pass(inbound, user, lead)
        return self._dealer_relay(inbound, user, lead, rest)

    # ------------------------------------------------------------
    # Which lead
    # ------------------------------------------------------------

    @api.model
    def _dealer_which_lead(self, inbound, user):
        """The one open lead the reply can be about; otherwise ask (and return nothing)."""
        leads = self.env["dealer.lead.relay"]._dealer_open_leads(user)
        free = leads.filtered(lambda lead: lead.user_id in (user, self.env["res.users"]))
        if len(free) == 1:
            return free
        if not free and leads:
            return leads[0]  # taken by someone else meanwhile: the command says by whom
        if not leads:
            self._dealer_answer(inbound, user, self.env._(
                "No open lead is waiting for you. Reply ? for help."))
            return None
        choices = ", ".join(f"#{lead._dealer_code()} {lead._dealer_sla_customer()}"
                            for lead in free[:5])
        self._dealer_answer(inbound, user, self.env._(
            "Which lead? %(choices)s. Start your reply with the code, e.g. \"#%(code)s 1\".",
            choices=choices, code=free[0]._dealer_code()))
        return None

    # ------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------

    @api.model
    def _dealer_claim(self, inbound, user, lead):
        code = lead._dealer_code()
        try:
            claimed = lead._dealer_claim(user)
        except UserError as error:
            return self._dealer_answer(inbound, user, str(error), lead)
        if not claimed:
            return self._dealer_answer(inbound, user, self.env._(
                "Too late: %(user)s already has lead #%(code)s.",
                user=lead.user_id.name, code=code), lead)
        return self._dealer_answer(inbound, user, self.env._(
            "Lead #%(code)s is yours: %(customer)s %(phone)s. Reply here to text the customer "
            "from the dealership's number.", code=code, customer=lead._dealer_sla_customer(),
            phone=lead.phone or ""), lead)

    @api.model
    def _dealer_pass(self, inbound, user, lead):
        code = lead._dealer_code()
        holder = lead.user_id
        if holder and holder != user:
            return self._dealer_answer(inbound, user, self.env._(
                "Lead #%(code)s is held by %(user)s: only they can pass it.",
                code=code, user=holder.name), lead)
        following = lead._dealer_pass_from(user)
        if not following:
            return self._dealer_answer(inbound, user, self.env._(
                "Nobody else is available: lead #%(code)s stays with you.", code=code), lead)
        return self._dealer_answer(inbound, user, self.env._(
            "Lead #%(code)s passed to %(user)s.", code=code, user=following.name), lead)

    @api.model
    def _dealer_rotation(self, inbound, user, join):
        # sudo: a salesperson may not write team memberships, but may join or leave the
        # rotation of their own teams from their phone
        members = self.env["crm.team.member"].sudo().search([("user_id", "=", user.id)])
        if not members:
            return self._dealer_answer(inbound, user, self.env._(
                "You are not a member of any sales team."))
        members.dealer_in_rotation = join
        teams = ", ".join(members.crm_team_id.mapped("name"))
        if join:
            body = self.env._("You are in the rotation again (%(teams)s).", teams=teams)
        else:
            body = self.env._("You are out of the rotation (%(teams)s): no new leads until "
                              "you reply IN.", teams=teams)
        return self._dealer_answer(inbound, user, body)

    @api.model
    def _dealer_relay(self, inbound, user, lead, text):
        """``text`` to the customer from the dealer's number, unless the guard would refuse
        it (then the salesperson is told at once, and nothing is queued)."""
        code = lead._dealer_code()
        if lead.user_id != user:
            if lead.user_id:
                body = self.env._("Lead #%(code)s is held by %(user)s: your text was not "
                                  "sent.", code=code, user=lead.user_id.name)
            else:
                body = self.env._("Lead #%(code)s is nobody's yet: reply \"#%(code)s 1\" to "
                                  "take it, then text again.", code=code)
            return self._dealer_answer(inbound, user, body, lead)
        if not text:
            return False
        refusal = self._dealer_relay_refusal(lead)
        if refusal:
            return self._dealer_answer(inbound, user, refusal, lead)
        # the salesperson's own words, from the dealer's number (never their mobile's)
        self.env["dealer.outbound"]._send_sms(
            lead, text, purpose="sales", author=user, automated=False)
        # kept untranslated: each reader of the inbound text reads it in their language
        inbound.write(inbound._dealer_reason_vals(
            _lt("Relayed to the customer of lead #%(code)s.", code=code)))
        return True

    @api.model
    def _dealer_relay_refusal(self, lead):
        """Why the guard would not let a text reach the lead's customer, or False."""
        number = lead.phone_sanitized or lead.env.company._dealer_e164(lead.phone or "")
        code = lead._dealer_code()
        if not number:
            return self.env._("Lead #%(code)s has no mobile number: your text was not sent.",
                              code=code)
        # sudo: the opt-out list and the consent ledger are read for the guard
        if self.env["phone.blacklist"].sudo().search_count([("number", "=", number)]):
            return self.env._("The customer of lead #%(code)s has opted out of texts: your "
                              "text was not sent. Call them or write an e-mail.", code=code)
        if number not in self.env["dealer.consent"]._dealer_valid_contacts(
                "sales", phones=[number]):
            return self.env._("The customer of lead #%(code)s has not agreed to texts: your "
                              "text was not sent.", code=code)
        return False

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    @api.model
    def _dealer_help_text(self):
        return self.env._(
            "Reply 1 (or OK) to take the lead, P to pass it, IN or OUT to join or leave the "
            "rotation, any other text to write to the customer. Start with the code (#A7K) "
            "when you have several leads.")

    @api.model
    def _dealer_answer(self, inbound, user, body, lead=None):
        """Text ``body`` back to the staff member (a staff text: never held, never to the
        customer) and keep it as the outcome of ``inbound``."""
        record = lead or inbound
        self.env["dealer.outbound"]._send_sms(
            record, body, purpose="staff", number=user.dealer_alert_mobile,
            partner=user.partner_id)
        inbound.reason = body  # the words texted to the staff member, kept as sent
        return True
