import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { advanceTime, animationFrame } from "@odoo/hoot-mock";
import { contains, mountWithCleanup, onRpc } from "@web/../tests/web_test_helpers";

import { DealerLeaderboard, KIOSK_REFRESH_MS } from "@dealer_lead_addon/board/leaderboard";
import { smsSegments } from "@dealer_lead_addon/board/sms_segments";

describe.current.tags("desktop");
defineMailModels();

function stats(values) {
    return {
        leads: 0, answered: 0, missed: 0, median: null, p90: null, within_5_pct: null,
        within_10_pct: null, within_60_pct: null, median_business_hours: null,
        median_after_hours: null, leads_business_hours: 0, leads_after_hours: 0,
        messages: 0, messages_answered: 0, message_median: null,
        ...values,
    };
}

function period(rows, total) {
    return { total: stats(total), user_id: rows, team_id: [], source_id: [] };
}

let calls;

beforeEach(() => {
    calls = 0;
    onRpc("dealer.leaderboard", "dealer_leaderboard_data", () => {
        calls++;
        return {
            generated_at: "2026-11-24 17:00:00",
            periods: {
                today: period(
                    [
                        stats({ id: 7, name: "Marc Gagnon", leads: 3, answered: 2, median: 6,
                                p90: 7.6, within_5_pct: 50, within_10_pct: 100 }),
                        stats({ id: 8, name: "Julie Roy", leads: 2, missed: 2 }),
                    ],
                    { leads: 5, answered: 2, median: 6 }
                ),
                week: period([stats({ id: 7, name: "Marc Gagnon", leads: 4, median: 14 })], {
                    leads: 4,
                }),
                month: period([], {}),
            },
        };
    });
});

test("one row per salesperson; blanks where nothing is answered", async () => {
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: {} } } });
    expect(queryAllTexts(".o_dealer_lb_row .o_dealer_lb_name")).toEqual([
        "Marc Gagnon",
        "Julie Roy",
    ]);
    expect(queryAllTexts(".o_dealer_lb_row .o_dealer_lb_median")).toEqual(["6.0 min", ""]);
    expect(queryAllTexts(".o_dealer_lb_row .o_dealer_lb_w5")).toEqual(["50 %", ""]);
    expect(queryAllTexts(".o_dealer_lb_row .o_dealer_lb_missed")).toEqual(["0", "2"]);
    expect(".o_dealer_lb_total .o_dealer_lb_leads").toHaveText("5");
});

test("switching to this week and this month", async () => {
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: {} } } });
    await contains("[data-period='week']").click();
    expect(queryAllTexts(".o_dealer_lb_row .o_dealer_lb_median")).toEqual(["14.0 min"]);
    await contains("[data-period='month']").click();
    expect(".o_dealer_lb_empty").toHaveCount(1);
});

test("the kiosk view refreshes by itself", async () => {
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: { kiosk: true } } } });
    expect(".o_dealer_leaderboard_kiosk").toHaveCount(1);
    expect(calls).toBe(1);
    await advanceTime(KIOSK_REFRESH_MS);
    await animationFrame();
    expect(calls).toBe(2);
});

test("the office view does not refresh by itself", async () => {
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: {} } } });
    await advanceTime(KIOSK_REFRESH_MS * 2);
    expect(calls).toBe(1);
});

test("SMS segments are counted as the carrier counts them", async () => {
    // placeholders use { and }: GSM-7 extension characters (2 septets), not UCS-2
    const template = "Bonjour {{ object.contact_name }}, merci! Répondez ARRÊT pour ne plus recevoir.";
    expect(smsSegments("Bonjour {{ x }}").encoding).toBe("GSM-7");
    expect(smsSegments("Bonjour {{ x }}").units).toBe(19);
    expect(smsSegments(template).encoding).toBe("UCS-2"); // Ê is not GSM-7
    expect(smsSegments("a".repeat(160)).segments).toBe(1);
    expect(smsSegments("a".repeat(161)).segments).toBe(2);
    expect(smsSegments("ê".repeat(71)).segments).toBe(2);
    expect(smsSegments("line\nbreak").units).toBe(10);
});
