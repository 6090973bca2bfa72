import logging
from collections import defaultdict

import phonenumbers
from phonenumbers import timezone as phone_timezone

from odoo import api, fields, models

from ..tools import quiet_hours
from ..tools.concurrency import unseen_committed
from ..tools.records import data_record
from ..tools.region_timezones import region_timezones
from ..tools.twilio_api import RETRY_STATE, TWILIO_UNSUBSCRIBED_STATE
from ..tools.video_token import VIDEO_LINK_PLACEHOLDER
from .dealer_consent import PURPOSES_NEEDING_CONSENT
from .dealer_outbound import DEALER_PURPOSES, QUIET_HOURS_EXEMPT, SALES_DOCUMENTS, server_send

_logger = logging.getLogger(__name__)

# a text marked as handed to the provider longer ago than this was interrupted mid-send
IN_FLIGHT_MINUTES = 10
# after a provider error, the next attempts wait this long; then the text is shown as failed
RETRY_DELAYS_MINUTES = (1, 5, 15)
# a customer who texted us this recently gets our replies at once, even in quiet hours
LIVE_CONVERSATION_MINUTES = 30


class SmsSms(models.Model):
    """The bottom of every text: whatever feature created an ``sms.sms`` (ours, Odoo's composer,
    a calendar reminder), the queue driver ``_process_queue`` is the only place where it meets
    the provider, so the compliance checks live here (``_dealer_guard``): opt-out, consent for
    the purposes that need it, quiet hours."""

    _inherit = "sms.sms"

    dealer_purpose = fields.Selection(
        selection=DEALER_PURPOSES,
        string="Purpose", readonly=True,
        help="Why this text is sent; consent and quiet-hour rules depend on it. Set by the code "
             "that creates the text, never by the caller.",
    )
    dealer_urgent = fields.Boolean(string="Urgent", readonly=True,
                                   help="Urgent texts ignore quiet hours.")
    dealer_not_before = fields.Datetime(
        string="Held Until", index="btree_not_null", copy=False,
        help="Quiet hours at the recipient: the text waits in the queue until this time.")
    dealer_send_started_at = fields.Datetime(
        string="Handed to Provider", copy=False,
        help="Set (and committed) just before the provider is called: a text found in the "
             "queue with this mark may have reached the customer already and is never sent "
             "again automatically.")
    dealer_attempt_count = fields.Integer(
        string="Attempts", copy=False, readonly=True,
        help="How many times the queue handed this text to the provider.")
    dealer_next_attempt_at = fields.Datetime(
        string="Next Attempt", copy=False, readonly=True, index="btree_not_null",
        help="After a provider error, the queue tries again from this time.")
    dealer_automated = fields.Boolean(
        string="Automated", copy=False, readonly=True,
        default=lambda self: bool(self.env.context.get("dealer_automated")),
        help="Written by the machine (acknowledgement, sequence, alert): never a person's "
             "response for the SLA.")
    dealer_res_model = fields.Char(
        string="Alert About Model", copy=False, readonly=True,
        help="Staff alerts: the record whose chatter tells what happened to the alert.")
    dealer_res_id = fields.Many2oneReference(
        string="Alert About", model_field="dealer_res_model", copy=False, readonly=True)
    failure_type = fields.Selection(selection_add=[
        ("dealer_no_consent", "No Consent"),
        ("dealer_uncertain", "Maybe Sent (interrupted)"),
        ("dealer_marketing_cap", "Marketing Cap Reached"),
    ])

    @api.model_create_multi
    def create(self, vals_list):
        """The purpose comes from the server code that sends (a :class:`DealerSend` in the
        context), else from the text's origin; never from the caller's values or context."""
        send = server_send(self.env)
        for vals in vals_list:
            if vals.get("number"):
                vals["number"] = self._dealer_e164(vals["number"]) or vals["number"]
            if VIDEO_LINK_PLACEHOLDER in (vals.get("body") or ""):
                vals["body"] = self._dealer_with_video_link(vals)
            # always written, so that neither values nor a default_* context key can set them
            vals["dealer_purpose"] = send.purpose if send else self._dealer_default_purpose(vals)
            vals["dealer_urgent"] = bool(send and send.urgent)
            if vals["dealer_purpose"] == "marketing":
                vals["body"] = self._dealer_with_opt_out_notice(vals)
        return super().create(vals_list)

    @api.model
    def _dealer_with_opt_out_notice(self, vals):
        """A promotion always says how to opt out (CASL, carriers), in the customer's
        language: ARRÊT in French (the default), STOP in English."""
        # sudo: only the recipient's language is read
        partner = self.env["res.partner"].sudo().browse(vals.get("partner_id") or ())
        lang = "en" if (partner.lang or "").startswith("en") else "fr"
        return self.env["dealer.outbound"]._with_opt_out_notice(vals.get("body"), lang)

    def write(self, vals):
        if not server_send(self.env) and ("dealer_purpose" in vals or "dealer_urgent" in vals):
            vals = {k: v for k, v in vals.items() if k not in ("dealer_purpose", "dealer_urgent")}
        return super().write(vals)

    @api.model
    def _dealer_with_video_link(self, vals):
        """The body with the customer's video link minted, now that the text is created for
        sending (rendering a template only wrote a placeholder)."""
        # sudo: only the document of the message is read, to find its lead
        message = self.env["mail.message"].sudo().browse(vals.get("mail_message_id") or ())
        lead_id = message.res_id if message.model == "crm.lead" else False
        return self.env["crm.lead"]._dealer_video_mint_links(lead_id, vals["body"])

    @api.model
    def _dealer_default_purpose(self, vals):
        """The purpose of a text no code of this addon created, from where it comes from: a
        mass mailing or a mass text is 'marketing'; a text to an internal user on their own
        phone is 'staff'; a text about another app's document (an appointment, an invoice) is
        'transactional'; any other text (composer, chatter, automation, RPC) is a 'sales'
        text to a customer: it needs consent and waits for the end of quiet hours."""
        if vals.get("mailing_id"):
            return "marketing"
        # sudo: only the document of the message is read, to tell sales from transactional
        message = self.env["mail.message"].sudo().browse(vals.get("mail_message_id") or ())
        if message.model and message.model not in SALES_DOCUMENTS:
            return "transactional"
        # sudo: whether the recipient is one of our users decides the rules, whoever sends
        partner = self.env["res.partner"].sudo().browse(vals.get("partner_id") or ())
        users = partner.user_ids.filtered(lambda user: not user.share)
        number = self._dealer_e164(vals.get("number") or "")
        if users and number and number in {
                self._dealer_e164(phone or "") for phone in [
                    partner.phone, *users.mapped("dealer_alert_mobile")]}:
            return "staff"
        return "sales"

    @api.model
    def _dealer_e164(self, number, company=None):
        """``number`` in E.164, read with the country of ``company`` (default: the current
        one) when it has no ``+``; False when it is not a valid phone number."""
        return (company or self.env.company)._dealer_e164(number)

    def _dealer_e164_number(self):
        """This text's number in E.164, with the country of the company that sends it."""
        self.ensure_one()
        return self._dealer_e164(self.number, self._get_sms_company())

    # ------------------------------------------------------------
    # Queue: the only way to the provider
    # ------------------------------------------------------------

    @api.model
    def _dealer_queue_cron(self):
        # sudo: whoever queues a text (website visitor, gateway user) wakes the SMS queue
        return data_record(self.env, "sms.ir_cron_sms_scheduler_action").sudo()

    @api.model
    def _dealer_due_domain(self, now):
        """Texts the driver may send now: queued, not held by quiet hours, not waiting for
        a retry, and not in flight (a fresh mark is another worker's send, an old one is
        resolved first): nothing at the head of the queue can block the rest."""
        return [
            ("state", "=", "outgoing"), ("to_delete", "!=", True),
            ("dealer_send_started_at", "=", False),
            "|", ("dealer_not_before", "=", False), ("dealer_not_before", "<=", now),
            "|", ("dealer_next_attempt_at", "=", False), ("dealer_next_attempt_at", "<=", now),
        ]

    @api.model
    def _process_queue(self):
        """The SMS queue driver (method of the stock queue cron), one batch per call.

        Exactly once: the batch is locked (``SKIP LOCKED``), guarded, marked in flight and
        committed before the provider is called, then each text's answer is recorded and
        committed. A text whose mark survives (the worker died in between) is shown as
        maybe sent, never sent again automatically.
        """
        now = fields.Datetime.now()
        self._dealer_resolve_interrupted(now)
        domain = self._dealer_due_domain(now)
        batch_size = self._get_send_batch_size()
        due = self.search(domain, limit=batch_size, order="id")
        records = due.try_lock_for_update()
        if records:
            to_send = records._dealer_guard()._dealer_within_marketing_cap(now)
            to_send._dealer_before_leaving(now)
            to_send._dealer_mark_send_started()
            to_send._dealer_call_provider()
        # skipped (locked elsewhere) and unseen (committed after our snapshot) are left to do
        skipped = len(due) - len(records)
        remaining = self.search_count(domain) if len(due) == batch_size else skipped + len(
            unseen_committed(self, domain))
        self.env["ir.cron"]._commit_progress(len(records), remaining=remaining)

    @api.model
    def _dealer_resolve_interrupted(self, now):
        """Texts marked in flight longer ago than ``IN_FLIGHT_MINUTES``: the attempt died
        between the provider call and its commit. The customer may have the text: a person
        decides (Retry)."""
        limit = fields.Datetime.subtract(now, minutes=IN_FLIGHT_MINUTES)
        interrupted = self.search([
            ("state", "=", "outgoing"), ("dealer_send_started_at", "<", limit),
        ], limit=self._get_send_batch_size()).try_lock_for_update()
        if interrupted:
            interrupted._update_sms_state_and_trackers("error", failure_type="dealer_uncertain")

    def _dealer_before_leaving(self, now):
        """Last look before the texts leave: an acknowledgement whose reply-by promise has
        passed meanwhile (held, retried) is written again."""
        acks = self.filtered(lambda sms: sms.dealer_purpose == "ack")
        if acks:
            self.env["crm.lead"]._dealer_ack_refresh_texts(acks, now)

    def _dealer_mark_send_started(self):
        """Mark the texts as handed to the provider, count the attempt and commit: if the
        process dies after the provider call, the text is never sent a second time. The
        driver is woken when the mark gets old, to resolve it if nobody did."""
        now = fields.Datetime.now()
        for count, texts in self.grouped("dealer_attempt_count").items():
            texts.write({"dealer_send_started_at": now, "dealer_attempt_count": count + 1,
                         "dealer_next_attempt_at": False})
        self._dealer_queue_cron()._trigger(
            at=fields.Datetime.add(now, minutes=IN_FLIGHT_MINUTES + 1))
        self.env["ir.cron"]._commit_progress()

    def _split_by_api(self):
        """Texts of a company whose provider is the SMS sandbox stay in Odoo."""
        sandboxed = self.filtered(
            lambda sms: sms._get_sms_company().sms_provider == "dealer_sandbox")
        Sandbox = self.env["dealer.sms.sandbox.message"]
        for company, texts in sandboxed.grouped(lambda sms: sms._get_sms_company()).items():
            yield Sandbox._dealer_sms_api(company), texts
        if self - sandboxed:
            yield from super(SmsSms, self - sandboxed)._split_by_api()

    def _dealer_call_provider(self):
        """Hand the marked texts to the provider, per provider account and batch."""
        for sms_api, texts in self._split_by_api():
            for batch_ids in texts._split_batch():
                # stock sending, past this model's _send (which only queues)
                super(SmsSms, self.browse(batch_ids).with_context(  # pylint: disable=super-method-mismatch
                    sms_api=sms_api))._send(
                    unlink_failed=False, unlink_sent=True, raise_exception=False)
        return True

    def send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Texts never leave in the caller's transaction (an HTTP request would wait on the
        provider, and a rollback cannot take a text back): the guard decides now (held,
        canceled), the queue sends the rest as soon as this transaction commits."""
        outgoing = self.filtered(lambda sms: sms.state == "outgoing" and not sms.to_delete)
        if outgoing:
            outgoing._dealer_guard()
            self._dealer_queue_cron()._trigger()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Whoever calls it, a text reaches the provider only through the queue driver,
        which marks it in flight first."""
        self.send()

    def resend_failed(self):
        """A person retries failed or maybe-sent texts: they are queued again, with a new
        series of automatic retries."""
        to_retry = self.filtered(lambda sms: sms.state == "error" and not sms.to_delete)
        to_retry._dealer_requeue()
        if to_retry:
            title, kind = self.env._("Success"), "success"
            message = self.env._("%(count)s text(s) queued again.", count=len(to_retry))
        else:
            title, kind = self.env._("Warning"), "danger"
            message = self.env._("There are no failed texts to send again.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind},
        }

    def action_set_outgoing(self):
        self._dealer_requeue()

    def _dealer_requeue(self):
        if not self:
            return
        self.write({"dealer_send_started_at": False, "dealer_attempt_count": 0,
                    "dealer_next_attempt_at": False})
        self._update_sms_state_and_trackers("outgoing", failure_type=False)
        self._dealer_queue_cron()._trigger()

    def _dealer_retry_later(self):
        """The provider did not take these texts (5xx, refused): queued again after a
        growing delay."""
        now = fields.Datetime.now()
        moments = set()
        for sms in self:
            delay = RETRY_DELAYS_MINUTES[min(sms.dealer_attempt_count, len(
                RETRY_DELAYS_MINUTES)) - 1]
            sms.dealer_next_attempt_at = fields.Datetime.add(now, minutes=delay)
            moments.add(sms.dealer_next_attempt_at)
        self._update_sms_state_and_trackers("outgoing", failure_type=False)
        self._dealer_queue_cron()._trigger(at=sorted(moments))

    def _update_sms_state_and_trackers(self, new_state, failure_type=None):
        result = super()._update_sms_state_and_trackers(new_state, failure_type=failure_type)
        self._dealer_after_result()
        return result

    def _handle_call_result_hook(self, results):
        """Record each text's answer: no longer in flight; a provider error is retried with
        backoff, then shown as failed; Twilio's opt-out error 21610 records the opt-out."""
        refused = {r["uuid"] for r in results if r.get("state") == TWILIO_UNSUBSCRIBED_STATE}
        numbers = self.filtered(lambda sms: sms.uuid in refused).mapped("number")
        if numbers:
            self.env["dealer.consent"]._dealer_opt_out_numbers(
                numbers, source=self.env._("Twilio error 21610 on sending"))
        result = super()._handle_call_result_hook(results)
        self.write({"dealer_send_started_at": False})
        retry = {r["uuid"] for r in results if r.get("state") == RETRY_STATE}
        again = self.filtered(lambda sms: sms.uuid in retry and sms.state == "error"
                              and sms.dealer_attempt_count <= len(RETRY_DELAYS_MINUTES))
        again._dealer_retry_later()
        (self - again)._dealer_after_result()
        return result

    def _dealer_after_result(self):
        """What happened to these texts is known (sent, failed, maybe sent, canceled, or
        queued again): the acknowledgement status, the staff-alert notes, the salesperson
        and the SLA learn it."""
        Lead = self.env["crm.lead"]
        Lead._dealer_ack_sync_texts(self)
        self.filtered(lambda sms: sms.dealer_purpose == "staff")._dealer_log_alert_outcome()
        failed = self.filtered(lambda sms: sms.state == "error"
                               and sms.dealer_purpose not in ("staff", "keyword"))
        Lead._dealer_alert_text_failed(failed)
        Lead._dealer_sla_on_texts_left(self.filtered(
            lambda sms: sms.state in ("pending", "sent") and not sms.dealer_automated))

    def _dealer_log_alert_outcome(self):
        """Staff alerts: the record's chatter says what happened to the alert, once known
        (the notes of a queue run are written in one batch per model)."""
        notes = defaultdict(list)  # model -> [(record id, note)]
        for sms in self.filtered(lambda s: s.dealer_res_model and s.dealer_res_id
                                 and s.state in ("pending", "sent", "error", "canceled")):
            notes[sms.dealer_res_model].append((sms.dealer_res_id, sms._dealer_alert_note()))
        for model, items in notes.items():
            # sudo: the note is a system record of the alert, whoever's action settled it
            records = self.env[model].sudo().browse({res_id for res_id, _note in items})
            if not hasattr(records, "_message_log_batch"):
                continue
            existing = set(records.exists().ids)
            items = [(res_id, note) for res_id, note in items if res_id in existing]
            while items:  # one note per record and per batch: two alerts, two notes
                bodies, items = self._dealer_one_note_each(items)
                records.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _dealer_one_note_each(self, items):
        """``({record id: note}, rest)``: the first note of each record, and the others."""
        bodies, rest = {}, []
        for res_id, note in items:
            if res_id in bodies:
                rest.append((res_id, note))
            else:
                bodies[res_id] = note
        return bodies, rest

    def _dealer_alert_note(self):
        """What happened to this staff alert, in the language of the alerted person (the
        queue runs in nobody's)."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.company.partner_id.lang
        env = self.with_context(lang=lang).env if lang else self.env
        states = dict(self._fields["failure_type"]._description_selection(env))
        values = {"number": self.number, "body": self.body,
                  "reason": states.get(self.failure_type, self.failure_type or "")}
        if self.state in ("pending", "sent"):
            return env._("Alert texted to %(number)s: %(body)s", **values)
        if self.failure_type == "dealer_uncertain":
            return env._("Alert to %(number)s maybe sent (the provider did not answer in "
                         "time; not sent again): %(body)s", **values)
        if self.state == "canceled":
            return env._("Alert to %(number)s not sent (%(reason)s): %(body)s", **values)
        return env._("Alert to %(number)s failed (%(reason)s): %(body)s", **values)

    # ------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------

    def _dealer_guard(self):
        """Cancel or hold what may not leave now; return the texts that may."""
        unreadable = self._dealer_normalise_numbers()
        if unreadable:
            unreadable._update_sms_state_and_trackers("canceled", failure_type="sms_number_format")
        remaining = self - unreadable
        opted_out = remaining._dealer_opted_out()
        if opted_out:
            opted_out._update_sms_state_and_trackers("canceled", failure_type="sms_blacklist")
        remaining -= opted_out
        no_consent = remaining._dealer_without_consent()
        if no_consent:
            no_consent._update_sms_state_and_trackers(
                "canceled", failure_type="dealer_no_consent")
        remaining -= no_consent
        in_flight = remaining.filtered("dealer_send_started_at")
        interrupted = in_flight.filtered(
            lambda sms: sms.dealer_send_started_at < fields.Datetime.subtract(
                fields.Datetime.now(), minutes=IN_FLIGHT_MINUTES))
        if interrupted:
            # a previous attempt died between the provider call and the commit: the customer
            # may have the text already, a person decides (Retry in the SMS list)
            interrupted._update_sms_state_and_trackers("error", failure_type="dealer_uncertain")
        # the others are being sent by another worker right now: leave them to it
        remaining -= in_flight
        return remaining - remaining._dealer_hold_for_quiet_hours()

    def _dealer_within_marketing_cap(self, now):
        """Cancel the marketing texts that would pass a customer's frequency cap (default 2
        in 30 days) and log the others as sent; return the texts that may leave.

        Called by the queue driver on texts about to be marked in flight, in the transaction
        that commits the mark. Each number is locked (transaction advisory lock, sorted: no
        deadlock) and its count read fresh, so two workers sending the same customer's
        promotions at once cannot both take the last slot: the second waits for the first
        to commit and sees its log.
        """
        marketing = self.filtered(lambda sms: sms.dealer_purpose == "marketing")
        if not marketing:
            return self
        # sudo: the cap is counted and written whoever sends
        Log = self.env["dealer.marketing.send"].sudo()
        Log._dealer_lock_numbers(marketing.mapped("number"))
        over, log_values = self.browse(), []
        for company, texts in marketing.grouped(lambda sms: sms._get_sms_company()).items():
            since = fields.Datetime.subtract(now, days=company.dealer_marketing_cap_days)
            counts = Log._dealer_counts_since(set(texts.mapped("number")), since)
            for sms in texts.sorted("id"):
                if counts[sms.number] >= company.dealer_marketing_cap:
                    over |= sms
                    continue
                counts[sms.number] += 1
                log_values.append({"number": sms.number, "sent_at": now,
                                   "mailing_id": sms.mailing_id.id or False,
                                   "company_id": company.id})
        Log.create(log_values)
        if over:
            over._update_sms_state_and_trackers("canceled", failure_type="dealer_marketing_cap")
        return self - over

    def _dealer_normalise_numbers(self):
        """Write every number in E.164 before any check (the opt-out list, the consent ledger
        and the inbound texts hold E.164 numbers).

        :return: the texts whose number is not a valid phone number (never sent)
        """
        unreadable = self.browse()
        for sms in self:
            number = sms._dealer_e164_number()
            if not number:
                unreadable |= sms
            elif number != sms.number:
                sms.number = number
        return unreadable

    def _dealer_opted_out(self):
        """The texts of ``self`` whose number is on the opt-out list (``phone.blacklist``),
        except the one confirmation of a STOP (purpose 'keyword')."""
        candidates = self.filtered(lambda sms: sms.dealer_purpose != "keyword")
        if not candidates:
            return candidates
        # sudo: the opt-out list must be honoured whoever sends
        blocked = set(self.env["phone.blacklist"].sudo().search(
            [("number", "in", candidates.mapped("number"))]).mapped("number"))
        return candidates.filtered(lambda sms: sms.number in blocked)

    def _dealer_without_consent(self):
        """Sales and marketing texts whose number holds no valid consent of that purpose."""
        result = self.browse()
        Consent = self.env["dealer.consent"]
        for purpose in PURPOSES_NEEDING_CONSENT:
            texts = self.filtered(lambda sms, p=purpose: sms.dealer_purpose == p)
            if texts:
                valid = Consent._dealer_valid_contacts(purpose, phones=texts.mapped("number"))
                result |= texts.filtered(lambda sms, v=valid: sms.number not in v)
        return result

    def _dealer_hold_for_quiet_hours(self):
        """Hold non-urgent texts due in the recipient's quiet hours until the next allowed
        minute, and wake the queue cron then.

        :return: the texts held
        """
        now = fields.Datetime.now()
        held = self.browse()
        wake_at = None
        in_conversation = self._dealer_numbers_in_conversation(now)
        for sms in self.filtered(lambda s: not s.dealer_urgent
                                 and s.dealer_purpose not in QUIET_HOURS_EXEMPT
                                 and not (s.number in in_conversation
                                          and s.dealer_purpose != "marketing")):
            company = sms._get_sms_company()
            allowed = quiet_hours.next_allowed(
                now, sms._dealer_recipient_timezones(), company.dealer_quiet_hour_start,
                company.dealer_quiet_hour_end)
            if allowed > now:
                sms.dealer_not_before = allowed
                held |= sms
                wake_at = min(wake_at or allowed, allowed)
        if wake_at:
            self._dealer_queue_cron()._trigger(at=wake_at)
        return held

    def _dealer_numbers_in_conversation(self, now):
        """Numbers that texted us in the last minutes: the customer is waiting for the answer,
        a reply is not held by quiet hours (a promotion still is)."""
        since = fields.Datetime.subtract(now, minutes=LIVE_CONVERSATION_MINUTES)
        # sudo: only whether the number wrote recently is read
        inbound = self.env["dealer.sms.inbound"].sudo().search_fetch(
            [("from_number", "in", self.mapped("number")), ("received_at", ">=", since)],
            ["from_number"])
        return set(inbound.mapped("from_number"))

    def _dealer_recipient_timezones(self):
        """Where the recipient may be: the number's region and the customer's address (the
        partner's, else the lead's). Quiet hours must hold in all of them."""
        self.ensure_one()
        zones = []
        try:
            parsed = phonenumbers.parse(self.number or "", None)
            zones += [z for z in phone_timezone.time_zones_for_number(parsed)
                      if z != "Etc/Unknown"]
        except phonenumbers.NumberParseException:
            _logger.debug("No time zone from the number of text %s", self.id)
        address = self.partner_id
        message = self.mail_message_id
        if message.model == "crm.lead" and message.res_id:
            # sudo: the address only decides the hour a text may leave, whoever sends it
            lead = self.env["crm.lead"].sudo().browse(message.res_id).exists()
            address = address or lead.partner_id or lead
        if address:
            if "tz" in address._fields and address.tz:
                zones.append(address.tz)
            zones += region_timezones(address.country_id.code, address.state_id.code)
        if not zones:
            zones.append(self._get_sms_company().partner_id.tz or "America/Toronto")
        return zones

