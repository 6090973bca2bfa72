import hashlib
import hmac
import secrets
import statistics
from itertools import pairwise

from odoo import api, fields, models
from odoo.tools import LazyTranslate, ormcache

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT

_lt = LazyTranslate(__name__)

# visible part of a key, also the index its lookup uses (as res.users.apikeys)
API_KEY_PREFIX_SIZE = 8
# the rhythm of a feed is read from its last intakes; fewer than the minimum: no rhythm yet
WATCHDOG_SAMPLE = 30
WATCHDOG_MIN_SAMPLE = 5
# silent for this many usual gaps (in business time) is abnormal
WATCHDOG_GAP_FACTOR = 3
# keys verified by this process: {(source id, stored hash): sha256 of the key}. The stored hash
# costs thousands of PBKDF2 rounds per request on purpose; a provider sends the same key with
# every lead. A regenerated key has a new stored hash: the old entry never matches again.
VERIFIED_KEYS = {}
VERIFIED_KEYS_MAX = 256


def _comma_list(text):
    """The lower-case, non-empty items of a comma-separated setting."""
    return [item.strip().lower() for item in (text or "").split(",") if item.strip()]


# what decides which source an e-mail or a provider name belongs to
MATCH_FIELDS = frozenset({"active", "email_match", "provider_match", "sequence", "company_id"})


class DealerLeadSource(models.Model):
    """Where inquiries come from (a lead provider, the dealer website, a marketplace): how to
    recognise it, its API key, and the defaults given to its leads."""

    _name = "dealer.lead.source"
    _description = "Lead Source"
    _inherit = "mail.thread"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=False)
    code = fields.Char(
        required=True, help="Short identifier used in the intake URL: /dealer_lead/intake/<code>")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    api_key_hash = fields.Char(copy=False, groups="base.group_system", readonly=True)
    api_key_prefix = fields.Char(
        string="API Key", copy=False, readonly=True, index="btree_not_null",
        help="First characters of the bearer key the provider sends in 'Authorization: Bearer "
             "<key>'. The key is stored hashed: it is shown once, when generated.")
    email_match = fields.Char(
        string="Sender Match",
        help="Comma-separated sender addresses or domains (e.g. 'cars.com, leads@kijiji.ca') "
             "that identify this source's e-mails.")
    provider_match = fields.Char(
        help="Comma-separated ADF <provider><name> values that identify this source.")
    default_lang = fields.Selection(
        [("fr_CA", "French (Canada)"), ("en_US", "English")], default="fr_CA", required=True,
        string="Default Language",
        help="Language of customers whose address, area code and text say nothing else.")
    team_id = fields.Many2one("crm.team", string="Default Team")
    utm_source_id = fields.Many2one("utm.source", string="UTM Source")
    max_payload_kb = fields.Integer(string="Max Payload (KiB)", default=512)

    last_intake_at = fields.Datetime(
        string="Last Lead At", compute="_compute_dealer_feed_rhythm",
        help="When the last inquiry of this source arrived.")
    usual_gap_minutes = fields.Float(
        string="Usual Gap (business min)", compute="_compute_dealer_feed_rhythm",
        digits=(16, 0),
        help="Median time between two inquiries of this source, counted in the team's "
             "business hours, over its last 30 inquiries.")
    watchdog_min_minutes = fields.Integer(
        string="Alert After (min)", default=60,
        help="The managers are alerted when the source stays silent in business hours for "
             "three usual gaps, and never before this many minutes.")
    watchdog_state = fields.Selection(
        [("ok", "Receiving"), ("silent", "Silent")], string="Feed", default="ok",
        readonly=True, copy=False)
    watchdog_alerted_at = fields.Datetime(string="Silence Alerted At", readonly=True, copy=False)

    _code_uniq = models.Constraint("UNIQUE(code, company_id)", "Source codes must be unique.")

    def _dealer_recent_arrivals(self):
        """Arrival times of the source's last inquiries, newest first (read from the intake
        records: no counter on the source row, which every intake would then lock). The
        mystery shopper's own test inquiries say nothing of the feed: left out."""
        self.ensure_one()
        intakes = self.env["dealer.lead.intake"].sudo().search(
            [("source_id", "=", self.id), ("dealer_is_test", "=", False)],
            order="received_at desc, id desc",
            limit=WATCHDOG_SAMPLE + 1)
        return intakes.mapped("received_at")

    def _compute_dealer_feed_rhythm(self):
        for source in self:
            arrivals = source._dealer_recent_arrivals() if source.id else []
            source.last_intake_at = arrivals[0] if arrivals else False
            source.usual_gap_minutes = source._dealer_usual_gap(arrivals) or 0.0

    def _dealer_usual_gap(self, arrivals):
        """Median business minutes between consecutive arrivals, None without enough."""
        if len(arrivals) < WATCHDOG_MIN_SAMPLE:
            return None
        team = self.team_id
        gaps = [team._dealer_business_minutes(older, newer)
                for newer, older in pairwise(arrivals)]
        return statistics.median(gaps)

    @api.model
    def _cron_dealer_watch_feeds(self):
        """Alert the managers once when a source goes silent for longer than its rhythm
        during business hours, and once when it resumes."""
        now = fields.Datetime.now()
        for source in self.search([("active", "=", True)]):
            source._dealer_watch(now)

    def _dealer_watch(self, now):
        self.ensure_one()
        arrivals = self._dealer_recent_arrivals()
        if self.watchdog_state == "silent":
            if arrivals and arrivals[0] > self.watchdog_alerted_at:
                self.watchdog_state = "ok"
                self._dealer_alert_feed(_lt(
                    "Lead source %(feed)s is receiving again: an inquiry arrived at "
                    "%(at)s.", feed=self.name, at=self._dealer_format_time(arrivals[0])))
            return
        gap = self._dealer_usual_gap(arrivals)
        if gap is None or not self.team_id._dealer_is_open(now):
            return
        allowed = max(WATCHDOG_GAP_FACTOR * gap, self.watchdog_min_minutes or 0)
        silence = self.team_id._dealer_business_minutes(arrivals[0], now)
        if silence <= allowed:
            return
        self.write({"watchdog_state": "silent", "watchdog_alerted_at": now})
        self._dealer_alert_feed(_lt(
            "Lead source %(feed)s has sent nothing since %(at)s (%(silence)s business "
            "minutes; usually an inquiry every %(gap)s). Check the feed with the provider.",
            feed=self.name, at=self._dealer_format_time(arrivals[0]),
            silence=round(silence), gap=round(gap)))

    def _dealer_format_time(self, when):
        tz = self.team_id._dealer_calendar().tz or "America/Toronto"
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), when).strftime("%Y-%m-%d %H:%M")

    @api.model
    def _dealer_lead_managers(self, company):
        """Lead managers of ``company`` to alert (internal, active, not the superuser)."""
        group = self.env.ref("dealer_lead_addon.group_dealer_lead_manager")
        managers = group.sudo().user_ids.filtered(
            lambda u: u.active and not u.share and (
                u.company_id == company or company in u.company_ids))
        return managers - self.env.ref("base.user_root")

    def _dealer_alert_feed(self, body):
        """Tell the lead managers, each group of them in its language (``body``: a lazy
        translation)."""
        managers = self._dealer_lead_managers(self.company_id)
        for lang in set(managers.mapped("lang")):
            readers = managers.filtered(lambda user, lang=lang: user.lang == lang)
            # sudo: the cron alerts managers about a configuration record
            source = self.sudo().with_context(lang=lang)
            source.message_post(
                body=source.env._(body), partner_ids=readers.partner_id.ids,
                message_type="notification", subtype_xmlid="mail.mt_note")

    @api.model_create_multi
    def create(self, vals_list):
        sources = super().create(vals_list)
        sources._dealer_allow_senders()
        self.env.registry.clear_cache()  # _dealer_match_patterns
        return sources

    def write(self, vals):
        result = super().write(vals)
        if "email_match" in vals:
            self._dealer_allow_senders()
        if MATCH_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # _dealer_match_patterns
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _dealer_match_patterns
        return result

    def _dealer_allow_senders(self):
        """Providers send many e-mails from one address: exempt the full sender addresses of
        the sources from the mail gateway's loop guard (20 mails in 2 h by default), which
        would otherwise drop leads."""
        Allowed = self.env["mail.gateway.allowed"].sudo()  # sudo: admin-only model
        addresses = {p for source in self for p in _comma_list(source.email_match) if "@" in p}
        known = set(Allowed.search([("email_normalized", "in", list(addresses))]).mapped(
            "email_normalized"))
        Allowed.create([{"email": address} for address in addresses - known])

    def action_generate_api_key(self):
        """A new key, shown once in a wizard (it is stored hashed, like Odoo's API keys)."""
        self.ensure_one()
        self.env["dealer.lead.source"].check_access("write")
        key = secrets.token_urlsafe(32)
        self._dealer_set_api_key(key)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("API Key Ready"),
            "res_model": "dealer.lead.source.key.show",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_key": key, "default_source_name": self.name},
        }

    def _dealer_set_api_key(self, key):
        """Store ``key`` hashed (the wizard and the tests give the clear key once)."""
        self.ensure_one()
        # sudo: the hash is readable by administrators only; the caller's right was checked
        self.sudo().write({"api_key_hash": KEY_CRYPT_CONTEXT.hash(key),
                           "api_key_prefix": key[:API_KEY_PREFIX_SIZE]})

    @api.model
    def _dealer_authenticate(self, code, key):
        """The active source with this code whose key is ``key``, else an empty recordset.

        Found by the key's prefix (indexed), verified against the hash by passlib (constant
        time), as ``res.users.apikeys._check_credentials`` does.
        """
        key = (key or "").strip()
        if len(key) < API_KEY_PREFIX_SIZE:
            return self.browse()
        # sudo: the caller is not authenticated yet; only the matching source is returned
        candidates = self.sudo().search([
            ("code", "=", (code or "")[:64]),
            ("api_key_prefix", "=", key[:API_KEY_PREFIX_SIZE]),
        ])
        for source in candidates:
            if source.api_key_hash and source._dealer_key_matches(key):
                return source
        return self.browse()

    def _dealer_key_matches(self, key):
        """Whether ``key`` is this source's key: against the stored hash once per process,
        then against the digest kept in memory (constant time both ways)."""
        digest = hashlib.sha256(key.encode()).digest()
        cached = VERIFIED_KEYS.get((self.id, self.api_key_hash))
        if cached is not None:
            return hmac.compare_digest(cached, digest)
        if not KEY_CRYPT_CONTEXT.verify(key, self.api_key_hash):
            return False
        if len(VERIFIED_KEYS) >= VERIFIED_KEYS_MAX:
            VERIFIED_KEYS.clear()
        VERIFIED_KEYS[(self.id, self.api_key_hash)] = digest
        return True

    @api.model
    def _dealer_disable_lead_enrichment(self):
        """At install: Odoo's lead enrichment (``crm_iap_enrich``, auto-installed with CRM)
        sends every new lead's e-mail address to an outside service. Quebec's Law 25 requires
        an assessment and disclosure before personal information leaves Quebec: it is off
        until the dealer decides (on demand only; Settings explain why)."""
        # sudo: install-time configuration
        self.env["ir.config_parameter"].sudo().set_param("crm.iap.lead.enrich.setting", "manual")
        cron = self.env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
        if cron:
            cron.sudo().active = False

    @api.model
    def _dealer_match_email(self, email_from, provider_name=""):
        """The active source matching a sender address or an ADF provider name, if any."""
        email_from = (email_from or "").lower()
        provider_name = (provider_name or "").strip().lower()
        for source_id, patterns, names in self._dealer_match_patterns():
            if email_from and any(p in email_from for p in patterns):
                return self.browse(source_id)
            if provider_name and provider_name in names:
                return self.browse(source_id)
        return self.browse()

    @api.model
    @ormcache("self.env.uid", "self.env.su", "tuple(self.env.companies.ids)")
    def _dealer_match_patterns(self):
        """``(id, sender patterns, provider names)`` of the active sources the user sees, in
        order (cached: every inquiry asks; cleared when a source changes)."""
        return tuple(
            (source.id, tuple(_comma_list(source.email_match)),
             frozenset(_comma_list(source.provider_match)))
            for source in self.search([("active", "=", True)]))

    def _dealer_utm_source(self, provider_name=""):
        """UTM source of this source's leads: its own, else one named after the provider."""
        if self.utm_source_id:
            return self.utm_source_id
        name = (provider_name or self.name or "").strip()
        if not name:
            return self.env["utm.source"]
        Source = self.env["utm.source"]
        return Source.browse(Source._dealer_id_by_name(name)) or (
            self.env["utm.mixin"]._find_or_create_record("utm.source", name))
