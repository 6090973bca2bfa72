import { describe, expect, test } from "@odoo/hoot";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import {
    asyncStep,
    makeMockEnv,
    MockServer,
    mockService,
    serverState,
    waitForSteps,
} from "@web/../tests/web_test_helpers";

defineMailModels();
describe.current.tags("desktop");

/** A `dealer_lead/alert` as models/dealer_staff_alert.py sends it. */
function sendAlert(values = {}) {
    MockServer.env["bus.bus"]._sendone(serverState.partnerId, "dealer_lead/alert", {
        kind: "new_lead",
        lead_id: 7,
        title: "Piste pour vous : Sophie",
        body: "Nouvelle piste : Sophie Tremblay, RAV4 2025.",
        url: "/odoo/crm/7",
        sound: true,
        ...values,
    });
}

function mockScreen() {
    const shown = [];
    mockService("notification", {
        add(message, options) {
            shown.push(options);
            asyncStep(`${options.type} ${options.sticky ? "sticky" : "brief"}: ${message}`);
            return () => asyncStep("closed");
        },
    });
    mockService("mail.sound_effects", {
        play(name) {
            asyncStep(`sound ${name}`);
        },
    });
    mockService("action", {
        doAction(action) {
            asyncStep(`open ${action.res_model} ${action.res_id}`);
        },
    });
    return shown;
}

test("a new lead is shown with a sound and opens in one click", async () => {
    const shown = mockScreen();
    await makeMockEnv();
    sendAlert();
    await waitForSteps(["info brief: Nouvelle piste : Sophie Tremblay, RAV4 2025.", "sound new-message"]);
    expect(shown[0].title).toBe("Piste pour vous : Sophie");
    expect(shown[0].buttons.map((button) => button.name)).toEqual(["Open the lead"]);
    shown[0].buttons[0].onClick();
    await waitForSteps(["closed", "open crm.lead 7"]);
});

test("a customer waiting on video stays on screen and rings", async () => {
    mockScreen();
    await makeMockEnv();
    sendAlert({ kind: "video_waiting", body: "Sophie vous attend en vidéo." });
    await waitForSteps(["danger sticky: Sophie vous attend en vidéo.", "sound call-invitation"]);
});

test("a claim by a colleague is shown without a sound", async () => {
    mockScreen();
    await makeMockEnv();
    sendAlert({ kind: "claimed", body: "Julie Roy a pris la piste.", sound: false });
    await waitForSteps(["success brief: Julie Roy a pris la piste."]);
});
