import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, freezeTime, test } from "@odoo/hoot";
import { queryAllTexts, queryFirst } from "@odoo/hoot-dom";
import { advanceTime, animationFrame, mockDate } from "@odoo/hoot-mock";
import {
    contains,
    makeMockEnv,
    mockService,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";

import { DealerLeadBoard, formatAge, formatClock } from "@dealer_lead_addon/board/lead_board";

describe.current.tags("desktop");
defineMailModels();

const NOW = "2026-11-24 15:03:00";

function lead(values) {
    return {
        id: 1,
        name: "Inquiry",
        customer: "Chloé Client",
        phone: "+15145550142",
        phone_national: "514 555-0142",
        source: "AutoTrader.ca",
        vehicle: "2026 Toyota RAV4",
        received: "2026-11-24 15:00:00",
        deadline: "2026-11-24 15:10:00",
        sla_state: "on_time",
        holder: "",
        mine: false,
        claimable: true,
        ...values,
    };
}

let board; // what the server answers to dealer_board_data
let busCallbacks;

beforeEach(() => {
    mockDate(NOW.replace(" ", "T") + "Z");
    freezeTime();
    board = { now: NOW, can_video: false, is_manager: false, leads: [lead()] };
    busCallbacks = {};
    mockService("bus_service", {
        start() {},
        subscribe(type, callback) {
            busCallbacks[type] = callback;
        },
        unsubscribe(type) {
            delete busCallbacks[type];
        },
    });
    onRpc("crm.lead", "dealer_board_data", () => board);
});

test("formats the countdown and the age", async () => {
    await makeMockEnv();
    expect(formatClock(245)).toBe("04:05");
    expect(formatClock(3905)).toBe("1:05:05");
    expect(formatAge(12)).toBe("12 min");
    expect(formatAge(125)).toBe("2 h 05");
});

test("shows each waiting lead: customer, vehicle, source, age, holder", async () => {
    await mountWithCleanup(DealerLeadBoard);
    expect(".o_dealer_board_card").toHaveCount(1);
    expect(".o_dealer_board_customer").toHaveText("Chloé Client");
    expect(".o_dealer_board_vehicle").toHaveText("2026 Toyota RAV4");
    expect(".o_dealer_board_source").toHaveText("AutoTrader.ca ·");
    expect(".o_dealer_board_age").toHaveText("received 3 min ago");
    expect(".o_dealer_board_holder").toHaveText("Up for grabs");
    expect(".o_dealer_board_call").toHaveAttribute("href", "tel:+15145550142");
    expect(".o_dealer_board_claim").toHaveCount(1);
});

test("the countdown ticks every second, then says how late", async () => {
    await mountWithCleanup(DealerLeadBoard);
    expect(".o_dealer_board_countdown").toHaveText("07:00 left");
    expect(".o_dealer_board_countdown").toHaveClass("text-bg-success");
    await advanceTime(1000);
    await animationFrame();
    expect(".o_dealer_board_countdown").toHaveText("06:59 left");
    await advanceTime(7 * 60 * 1000);
    await animationFrame();
    expect(".o_dealer_board_countdown").toHaveText("Late by 00:01");
    expect(".o_dealer_board_countdown").toHaveClass("text-bg-danger");
});

test("a bus notification brings a new lead without reload", async () => {
    await mountWithCleanup(DealerLeadBoard);
    board = {
        ...board,
        leads: [lead(), lead({ id: 2, customer: "Paul Premier", deadline: "2026-11-24 15:05:00" })],
    };
    busCallbacks["dealer_lead/board"]({ lead_id: 2, op: "upsert" });
    await animationFrame();
    await animationFrame();
    // sorted by deadline: the most urgent first
    expect(queryAllTexts(".o_dealer_board_customer")).toEqual(["Paul Premier", "Chloé Client"]);
});

test("a removed lead vanishes at once", async () => {
    await mountWithCleanup(DealerLeadBoard);
    board = { ...board, leads: [] };
    busCallbacks["dealer_lead/board"]({ lead_id: 1, op: "remove" });
    await animationFrame();
    expect(".o_dealer_board_card").toHaveCount(0);
    expect(".o_dealer_board_empty").toHaveCount(1);
});

test("claim calls the server and the lead becomes mine", async () => {
    onRpc("crm.lead", "action_dealer_claim", ({ args }) => {
        expect.step(`claim ${args[0]}`);
        board = { ...board, leads: [lead({ claimable: false, mine: true, holder: "Marc" })] };
        return false;
    });
    await mountWithCleanup(DealerLeadBoard);
    await contains(".o_dealer_board_claim").click();
    expect.verifySteps(["claim 1"]);
    await animationFrame();
    expect(".o_dealer_board_claim").toHaveCount(0);
    expect(".o_dealer_board_holder").toHaveText("Marc");
});

test("the video link button only shows when the server offers it", async () => {
    await mountWithCleanup(DealerLeadBoard);
    expect(".o_dealer_board_video").toHaveCount(0);
    board = { ...board, can_video: true };
    busCallbacks["dealer_lead/board"]({ lead_id: 1, op: "upsert" });
    await animationFrame();
    await animationFrame();
    expect(".o_dealer_board_video").toHaveCount(1);
    expect(queryFirst(".o_dealer_board_text")).not.toBe(null);
});
