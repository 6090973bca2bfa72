import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate
from odoo.tools.translate import LazyGettext, get_translation

from ..tools.concurrency import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# quarantine alerts: at most one per model and source in this window
QUARANTINE_ALERT_WINDOW = timedelta(hours=1)
# a record still 'received' after this long was left by an interrupted transaction
STUCK_AFTER = timedelta(minutes=10)
MIXIN = "dealer.raw.inbox.mixin"


INTERNAL_ERROR = _lt(
    "An unexpected error stopped the processing; the details are in the server log. Retry "
    "it, or tell your administrator if it fails again.")


class DealerRawInboxMixin(models.AbstractModel):
    """What every inbound feed (inquiries, texts, video gateway events...) does the same way.

    The input is kept raw before it is parsed. Its ``state`` starts 'received'; what cannot be
    processed is 'quarantined' with a stable ``reason_code`` and a readable ``reason``, the
    managers are told once per source and hour, and a manager's Retry processes it again. Each
    model adds its own outcomes to ``state`` (``selection_add``) and implements
    :meth:`_dealer_inbox_process`.

    The reason is stored as its English template and parameters, never as a sentence: each
    reader (a French or an English manager, a provider's API client) reads it rendered in
    their own language, whoever sent the input.
    """

    _name = MIXIN
    _description = "Raw Inbox Mixin"
    # a new abstract model built on mail.thread, not an extension of it
    _inherit = "mail.thread"  # pylint: disable=consider-merging-classes-inherited

    received_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    state = fields.Selection(
        [("received", "Received"), ("quarantined", "Quarantined")],
        required=True, default="received", readonly=True, index=True)
    reason_code = fields.Char(
        readonly=True, index="btree_not_null",
        help="Stable code of the quarantine reason (e.g. no_contact, malformed, internal).")
    reason_template = fields.Text(
        readonly=True,
        help="The reason in English with its %(name)s placeholders, as written in the code "
             "(translated when it is read).")
    reason_params = fields.Json(readonly=True, help="The values of the reason's placeholders.")
    reason = fields.Text(
        compute="_compute_reason", inverse="_inverse_reason", readonly=True,
        help="Why the input is quarantined (or what was done with it), in your language.")
    alerted_at = fields.Datetime(
        string="Managers Alerted At", readonly=True,
        help="When the managers were told about this quarantined input (once per source and "
             "hour).")
    attempt_count = fields.Integer(
        string="Attempts", default=1, readonly=True,
        help="How many times this input was received or processed.")

    @api.depends("reason_template", "reason_params")
    @api.depends_context("lang")
    def _compute_reason(self):
        for record in self:
            record.reason = record._dealer_render_reason(self.env.lang)

    def _inverse_reason(self):
        """A sentence written as such (e.g. a staff member's reply) is kept as it is."""
        for record in self:
            record.write({"reason_template": record.reason or False, "reason_params": False})

    def _dealer_render_reason(self, lang):
        """The reason in ``lang`` (English when it is not set)."""
        self.ensure_one()
        if not self.reason_template:
            return False
        return get_translation("dealer_lead_addon", lang or "en_US", self.reason_template,
                               self.reason_params or {})

    @api.model
    def _dealer_reason_vals(self, reason, params=None):
        """The values that keep a reason untranslated, to be rendered for each reader.

        :param reason: a lazy translation (``_lt("...", name=...)``), or an English template
            marked for the term export with its ``params``; a sentence that is already
            translated (a business refusal, a staff member's words) is kept as it is
        """
        if isinstance(reason, LazyGettext):
            # the source and values of Odoo's lazy translation, translated again when read
            reason, params = reason._source, reason._args
        if isinstance(params, tuple | list):
            params = None  # positional placeholders are not used by the addon's reasons
        return {"reason_template": reason or False, "reason_params": params or False}

    # ------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------

    def _dealer_inbox_process(self):
        """Process one received record (its own model's pipeline). Must not raise for bad
        content: quarantine it. Concurrency errors are raised."""
        raise NotImplementedError

    def _dealer_inbox_source_domain(self):
        """The records sharing this one's source, for the once-per-hour alert."""
        if "company_id" in self._fields:
            return [("company_id", "=", self._dealer_inbox_company().id)]
        return []

    def _dealer_inbox_company(self):
        return self["company_id"] if "company_id" in self._fields else self.env.company

    # ------------------------------------------------------------
    # Quarantine
    # ------------------------------------------------------------

    def _dealer_inbox_quarantine(self, code, reason, params=None):
        """Keep the input visible with why it cannot be used, and tell the managers.

        :param str code: the stable reason code (API clients and tests match it)
        :param reason: see :meth:`_dealer_reason_vals`
        """
        self.write({"state": "quarantined", "reason_code": code,
                    **self._dealer_reason_vals(reason, params)})
        for record in self:
            record._dealer_inbox_alert_managers()

    def _dealer_inbox_internal_error(self):
        """Quarantine after an unexpected error (its details go to the log, not to the
        record: they may hold data of other customers)."""
        _logger.exception("%s %s failed", self._name, self.id)
        self._dealer_inbox_quarantine("internal", INTERNAL_ERROR)

    def _dealer_inbox_alert_managers(self):
        """Tell the lead managers (Odoo inbox, in each one's language) that an input needs a
        human: once per model, source and hour, not once per record (a broken feed
        quarantines everything it sends)."""
        self.ensure_one()
        now = fields.Datetime.now()
        company = self._dealer_inbox_company()
        if self.search_count([
            *self._dealer_inbox_source_domain(),
            ("id", "!=", self.id),
            ("alerted_at", ">", now - QUARANTINE_ALERT_WINDOW),
        ], limit=1):
            return
        managers = self.env["dealer.lead.source"]._dealer_lead_managers(company)
        if not managers:
            return
        self.alerted_at = now
        for lang in set(managers.mapped("lang")):
            readers = managers.filtered(lambda user, lang=lang: user.lang == lang)
            # sudo: the gateway or an API caller may not be allowed to notify managers
            record = self.sudo().with_context(lang=lang)
            record.message_post(
                body=record._dealer_inbox_alert_body(),
                partner_ids=readers.partner_id.ids,
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

    def _dealer_inbox_alert_body(self):
        """The alert in the language of this record's environment (the readers')."""
        return self.env._(
            "%(kind)s %(name)s was quarantined (%(code)s): %(reason)s (Further ones of this "
            "source quarantined within the hour are not announced one by one: see the "
            "Quarantine filter of Lead Response.)",
            kind=self.env["ir.model"]._get(self._name).name, name=self.display_name,
            code=self.reason_code or "-", reason=self.reason or "-")

    # ------------------------------------------------------------
    # Retry
    # ------------------------------------------------------------

    def action_retry(self):
        """Process quarantined records again (after the cause was fixed), each in its own
        savepoint: one failing never fails the others. Concurrency errors are raised (Odoo
        retries the whole request)."""
        self._dealer_inbox_reprocess(self.filtered(lambda record: record.state == "quarantined"))
        return True

    @api.model
    def _dealer_inbox_reprocess(self, records):
        for record in records:
            record.attempt_count += 1  # counted even when the attempt is rolled back
            try:
                with self.env.cr.savepoint():
                    record.write({"state": "received", "reason_code": False,
                                  **self._dealer_reason_vals(False)})
                    record._dealer_inbox_process()
            except CONCURRENCY_ERRORS:
                raise
            except UserError as error:  # a business refusal: the manager can act on it
                record._dealer_inbox_quarantine("refused", str(error))
            except Exception:  # noqa: BLE001 nothing may be lost: keep it visible
                record._dealer_inbox_internal_error()

    @api.model
    def _dealer_inbox_cron_process_stuck(self):
        """Process the records of every inbound feed left 'received' for a while: the
        transaction that kept them stopped before their processing ended."""
        limit = fields.Datetime.now() - STUCK_AFTER
        for model in sorted(self.env.registry.descendants([MIXIN], "_inherit")):
            Model = self.env[model]
            if Model._abstract:
                continue
            stuck = Model.search([("state", "=", "received"), ("received_at", "<", limit)],
                                 order="id", limit=200)
            for record in stuck:
                self._dealer_inbox_reprocess(record)
                self.env["ir.cron"]._commit_progress(1)
