import { SmsWidget } from "@sms/components/sms_widget/fields_sms_widget";
import { patch } from "@web/core/utils/patch";
import { smsSegments } from "./sms_segments";

/**
 * Odoo's counter leaves the GSM-7 extension table out of its alphabet (a template's
 * ``{{ }}`` then reads "UNICODE") and counts each line break twice: it says "4 SMS (UNICODE)"
 * where the carrier bills 2 GSM-7 segments. Count the way the carrier does, like the
 * template's "Cost per Text" (tools/sms_segments.py).
 */
patch(SmsWidget.prototype, {
    get dealerSegments() {
        const content = this._getValueForSmsCounts(this.props.record.data[this.props.name] || "");
        return smsSegments(content);
    },
    get encoding() {
        return this.dealerSegments.encoding;
    },
    get nbrChar() {
        return this.dealerSegments.units;
    },
    get nbrSMS() {
        return this.dealerSegments.segments;
    },
    get dealerLimit() {
        return this.dealerSegments.limit;
    },
});
