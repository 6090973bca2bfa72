import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, freezeTime, test } from "@odoo/hoot";
import { advanceTime, animationFrame, mockDate } from "@odoo/hoot-mock";
import { defineModels, fields, models, mountView } from "@web/../tests/web_test_helpers";

describe.current.tags("desktop");

class Lead extends models.Model {
    _name = "dealer.countdown.lead";

    name = fields.Char();
    dealer_sla_deadline = fields.Datetime();
    dealer_sla_state = fields.Selection({
        selection: [
            ["on_time", "On Time"],
            ["warning", "Due Soon"],
            ["overdue", "Overdue"],
        ],
    });

    _records = [
        { id: 1, name: "Chloé", dealer_sla_deadline: "2026-11-24 15:10:00", dealer_sla_state: "on_time" },
    ];
}

defineMailModels();
defineModels([Lead]);

test("the lead form's countdown ticks, then turns red", async () => {
    mockDate("2026-11-24T15:03:00Z");
    freezeTime();
    await mountView({
        type: "form",
        resModel: "dealer.countdown.lead",
        resId: 1,
        arch: `<form>
            <field name="dealer_sla_state" invisible="1"/>
            <field name="dealer_sla_deadline" widget="dealer_countdown"
                   options="{'state_field': 'dealer_sla_state'}"/>
        </form>`,
    });
    expect(".o_dealer_countdown").toHaveText("07:00 left");
    expect(".o_dealer_countdown").toHaveClass("text-bg-success");
    await advanceTime(3 * 60 * 1000);
    await animationFrame();
    expect(".o_dealer_countdown").toHaveText("04:00 left");
    expect(".o_dealer_countdown").toHaveClass("text-bg-warning");
    await advanceTime(5 * 60 * 1000);
    await animationFrame();
    expect(".o_dealer_countdown").toHaveText("Late by 01:00");
    expect(".o_dealer_countdown").toHaveClass("text-bg-danger");
});
