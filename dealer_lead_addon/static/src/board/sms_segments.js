/**
 * How many SMS segments a text costs, exactly as tools/sms_segments.py counts it (and as the
 * carrier bills it): GSM-7 unless one character is outside the GSM 03.38 alphabet, the
 * extension table (^ { } \ [ ~ ] | € and form feed) costing two septets each; otherwise
 * UCS-2, counted in UTF-16 code units.
 */
const GSM7_BASIC = new Set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
);
const GSM7_EXTENDED = new Set("^{}\\[~]|€\f");

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

function parts(unitsPerChar, perPart) {
    let count = 1;
    let used = 0;
    for (const units of unitsPerChar) {
        if (used + units > perPart) {
            count += 1;
            used = 0;
        }
        used += units;
    }
    return count;
}

/** @returns {{encoding: string, units: number, segments: number, limit: number}} */
export function smsSegments(text) {
    const chars = Array.from(text || ""); // code points, like Python's str
    const gsm = chars.every((char) => GSM7_BASIC.has(char) || GSM7_EXTENDED.has(char));
    const perChar = gsm
        ? chars.map((char) => (GSM7_EXTENDED.has(char) ? 2 : 1))
        : chars.map((char) => (char.codePointAt(0) > 0xffff ? 2 : 1));
    const units = perChar.reduce((sum, value) => sum + value, 0);
    const [single, perPart] = gsm ? [GSM7_SINGLE, GSM7_PART] : [UCS2_SINGLE, UCS2_PART];
    const encoding = gsm ? "GSM-7" : "UCS-2";
    if (!units) {
        return { encoding, units: 0, segments: 0, limit: single };
    }
    if (units <= single) {
        return { encoding, units, segments: 1, limit: single };
    }
    const segments = parts(perChar, perPart);
    return { encoding, units, segments, limit: segments * perPart };
}
