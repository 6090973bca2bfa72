import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    getService,
    makeMockEnv,
    mockService,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";

import { DealerLeadBoard } from "@dealer_lead_addon/board/lead_board";
import { DealerConversation, statusLabel } from "@dealer_lead_addon/conversation/conversation";

describe.current.tags("desktop");
defineMailModels();

function message(values) {
    return {
        id: 1,
        direction: "in",
        body: "Est-il encore disponible?",
        date: "2026-11-24 15:00:00",
        author: "Sophie Tremblay",
        record: "RAV4 2025 - Sophie Tremblay",
        record_model: "crm.lead",
        record_id: 7,
        status: "",
        held_until: "",
        reason: "",
        ...values,
    };
}

let data; // what the server answers to dealer_conversation_data
let busCallbacks;
let sent;

beforeEach(() => {
    sent = [];
    data = {
        lead_id: 7,
        lead_ids: [7, 8],
        customer: "Sophie Tremblay",
        phone: "+15145550123",
        phone_national: "514 555-0123",
        lang: "fr",
        refusal: "",
        can_video: true,
        quick_replies: [{ id: 3, name: "Dispo", body: "Bonjour Sophie, ici Marc." }],
        messages: [
            message(),
            message({ id: 2, direction: "out", body: "Oui!", author: "Marc", status: "delivered" }),
        ],
    };
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
    onRpc("crm.lead", "dealer_conversation_data", () => data);
    onRpc("crm.lead", "dealer_conversation_send", ({ args }) => {
        sent.push(args);
        return {
            ...data,
            messages: [...data.messages, message({ id: 3, direction: "out", body: args[1], status: "queued" })],
        };
    });
});

const action = { params: { lead_id: 7 } };

test("customer's texts on the left, ours on the right with their status", async () => {
    await mountWithCleanup(DealerConversation, { props: { action } });
    expect(".o_dealer_bubble").toHaveCount(2);
    expect(".o_dealer_conversation_row:first-child").toHaveClass("justify-content-start");
    expect(".o_dealer_conversation_row:last-child").toHaveClass("justify-content-end");
    expect(".o_dealer_bubble_in .o_dealer_bubble_status").toHaveCount(0);
    expect(".o_dealer_bubble_out .o_dealer_bubble_status").toHaveText("Delivered");
});

test("a failed text says why", async () => {
    await makeMockEnv();
    expect(statusLabel({ status: "failed", reason: "Server error" })).toBe("Failed: Server error");
    expect(statusLabel({ status: "held", reason: "" })).toBe("Held (quiet hours)");
});

test("a quick reply fills the composer and the counter counts it", async () => {
    await mountWithCleanup(DealerConversation, { props: { action } });
    expect(".o_dealer_conversation_counter").toHaveText("0/160 · 0 SMS (GSM-7)");
    await contains(".o_dealer_quick_reply").click();
    expect(".o_dealer_conversation_input").toHaveValue("Bonjour Sophie, ici Marc.");
    expect(".o_dealer_conversation_counter").toHaveText("25/160 · 1 SMS (GSM-7)");
});

test("one French character outside GSM-7 makes the text UCS-2", async () => {
    await mountWithCleanup(DealerConversation, { props: { action } });
    await contains(".o_dealer_conversation_input").edit("Prêt?");
    expect(".o_dealer_conversation_counter").toHaveText("5/70 · 1 SMS (UCS-2)");
});

test("sending goes to the server and shows the text queued", async () => {
    await mountWithCleanup(DealerConversation, { props: { action } });
    await contains(".o_dealer_conversation_input").edit("À demain");
    await contains(".o_dealer_conversation_send").click();
    expect(sent).toEqual([[[7], "À demain"]]);
    expect(".o_dealer_bubble_out:last .o_dealer_bubble_status").toHaveText("Queued");
    expect(".o_dealer_conversation_input").toHaveValue("");
});

test("an opted-out customer cannot be texted", async () => {
    data.refusal = "Le client s'est désabonné des textos (ARRÊT).";
    await mountWithCleanup(DealerConversation, { props: { action } });
    expect(".o_dealer_conversation_refusal").toHaveCount(1);
    expect(".o_dealer_conversation_send").toHaveAttribute("disabled");
    expect(".o_dealer_conversation_input").toHaveAttribute("disabled");
});

test("a text on one of the customer's leads reloads the thread", async () => {
    await mountWithCleanup(DealerConversation, { props: { action } });
    data = { ...data, messages: [...data.messages, message({ id: 9, body: "Merci" })] };
    busCallbacks["dealer_lead/conversation"]({ lead_id: 8 });
    await animationFrame();
    expect(".o_dealer_bubble").toHaveCount(3);
    busCallbacks["dealer_lead/conversation"]({ lead_id: 99 });
    data = { ...data, messages: [] };
    await animationFrame();
    expect(".o_dealer_bubble").toHaveCount(3);
});

test("the live board opens a lead's conversation in one tap", async () => {
    onRpc("crm.lead", "dealer_board_data", () => ({
        now: "2026-11-24 15:00:00",
        can_video: false,
        is_manager: false,
        leads: [
            {
                id: 7,
                name: "RAV4",
                customer: "Sophie Tremblay",
                phone: "+15145550123",
                phone_national: "514 555-0123",
                source: "",
                vehicle: "",
                received: "2026-11-24 15:00:00",
                deadline: "2026-11-24 15:10:00",
                sla_state: "on_time",
                holder: "Marc",
                mine: true,
                claimable: false,
            },
        ],
    }));
    const opened = [];
    onRpc("crm.lead", "action_dealer_conversation", ({ args }) => {
        opened.push(args[0]);
        return { type: "ir.actions.client", tag: "dealer_lead_conversation", params: { lead_id: 7 } };
    });
    await mountWithCleanup(DealerLeadBoard);
    const actions = [];
    const action = getService("action");
    action.doAction = async (value) => actions.push(value);
    await contains(".o_dealer_board_conversation").click();
    expect(opened).toEqual([[7]]);
    expect(actions.map((value) => value.tag)).toEqual(["dealer_lead_conversation"]);
});
