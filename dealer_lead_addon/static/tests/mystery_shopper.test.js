import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { contains, mountWithCleanup, onRpc } from "@web/../tests/web_test_helpers";

import { DealerLeaderboard } from "@dealer_lead_addon/board/leaderboard";

describe.current.tags("desktop");
defineMailModels();

const EMPTY = { total: { leads: 0 }, user_id: [], team_id: [], source_id: [] };

function data(mystery) {
    return {
        generated_at: "2026-11-24 17:00:00",
        periods: { today: EMPTY, week: EMPTY, month: EMPTY },
        mystery,
    };
}

const AUTOTRADER = {
    id: 3, name: "AutoTrader.ca", channel: "HTTP API", tests: 1, acknowledged: 1,
    answered: 1, ack_seconds: 4, answer_minutes: 12, last_answered_by: "Marc Gagnon",
};
const KIJIJI = {
    id: 4, name: "Kijiji", channel: "E-mail", tests: 2, acknowledged: 0, answered: 0,
    ack_seconds: null, answer_minutes: null, last_answered_by: null,
};

test("mystery shopper: one sentence per source, beside the real figures", async () => {
    onRpc("dealer.leaderboard", "dealer_leaderboard_data", () =>
        data({ today: [AUTOTRADER, KIJIJI], week: [{ ...AUTOTRADER, ack_seconds: 150 }], month: [] })
    );
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: {} } } });
    expect(queryAllTexts(".o_dealer_lb_mystery_summary")).toEqual([
        "acknowledged in 4 s, answered by a person in 12.0 min (latest test: Marc Gagnon)",
        "not acknowledged yet, not answered by a person yet",
    ]);
    expect(queryAllTexts(".o_dealer_lb_mystery_count")).toEqual([
        "· tests: 1, answered: 1",
        "· tests: 2, answered: 0",
    ]);
    await contains("[data-period='week']").click();
    expect(".o_dealer_lb_mystery_summary").toHaveText(
        "acknowledged in 2.5 min, answered by a person in 12.0 min (latest test: Marc Gagnon)"
    );
    await contains("[data-period='month']").click();
    expect(".o_dealer_lb_mystery").toHaveCount(0);
});

test("mystery shopper: no section when no source is tested", async () => {
    onRpc("dealer.leaderboard", "dealer_leaderboard_data", () => data(undefined));
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: {} } } });
    expect(".o_dealer_lb_mystery").toHaveCount(0);
});

test("mystery shopper: the showroom screen asks for its figures as the kiosk", async () => {
    const asked = [];
    onRpc("dealer.leaderboard", "dealer_leaderboard_data", ({ kwargs }) => {
        asked.push(kwargs.kiosk);
        return data(undefined);
    });
    await mountWithCleanup(DealerLeaderboard, { props: { action: { params: { kiosk: true } } } });
    expect(asked).toEqual([true]);
});
