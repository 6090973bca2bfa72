import { startServer } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { defineSMSModels } from "@sms/../tests/sms_test_helpers";
import { mountView } from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");
defineSMSModels();

const TEMPLATE = "Bonjour {{ object.contact_name }}, merci pour votre demande!\nRépondez STOP.";

async function counterOf(text) {
    const pyEnv = await startServer();
    const id = pyEnv["partner"].create({ foo: "Chloé", message: text });
    await mountView({
        type: "form",
        resModel: "partner",
        resId: id,
        arch: `<form><field name="message" widget="sms_widget"/></form>`,
    });
}

test("Odoo's counter says what the carrier bills for a template (GSM-7, braces count 2)", async () => {
    await counterOf(TEMPLATE);
    // 75 characters, the 4 braces cost one more septet each, the line break one: 79
    expect(".o_sms_count").toHaveText(/^79\/160\s+\| 1 SMS \(GSM-7\)$/);
});

test("one character outside GSM-7 turns the whole text into UCS-2", async () => {
    await counterOf("Votre véhicule d’échange est prêt");
    expect(".o_sms_count").toHaveText(/^33\/70\s+\| 1 SMS \(UCS-2\)$/);
});

test("a long text is split in 153-septet parts", async () => {
    await counterOf("a".repeat(161));
    expect(".o_sms_count").toHaveText(/^161\/306\s+\| 2 SMS \(GSM-7\)$/);
});
