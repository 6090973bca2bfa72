from odoo import api, fields, models

from ..tools.sms_segments import sms_segments


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    dealer_sms_encoding = fields.Char(
        string="Encoding", compute="_compute_dealer_sms_segments",
        help="GSM-7 fits 160 characters in a text; one character outside its alphabet (ê, ç, "
             "œ, ’...) switches the whole text to UCS-2: 70 characters.")
    dealer_sms_length = fields.Integer(
        string="Length", compute="_compute_dealer_sms_segments",
        help="Characters as the carrier counts them; placeholders are counted as written, the "
             "rendered text may be longer or shorter.")
    dealer_sms_segments = fields.Integer(
        string="Segments", compute="_compute_dealer_sms_segments",
        help="Texts billed per customer for this template, as written.")
    dealer_sms_ucs2_chars = fields.Char(
        string="Forced by", compute="_compute_dealer_sms_segments",
        help="Replace these characters (e.g. ê by e, ’ by ') to go back to 160-character "
             "segments.")

    @api.depends("body")
    def _compute_dealer_sms_segments(self):
        for template in self:
            info = sms_segments(template.body or "")
            template.dealer_sms_encoding = info.encoding
            template.dealer_sms_length = info.units
            template.dealer_sms_segments = info.segments
            template.dealer_sms_ucs2_chars = " ".join(info.ucs2_chars) or False
