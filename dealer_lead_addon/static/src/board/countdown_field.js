import { Component, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatClock } from "./lead_board";

/** A deadline that ticks: "04:05 left", then "Late by 02:10" in red. */
export class DealerCountdownField extends Component {
    static template = "dealer_lead_addon.CountdownField";
    static props = { ...standardFieldProps, stateField: { type: String, optional: true } };

    setup() {
        this.state = useState({ now: Date.now() });
        this.interval = browser.setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUnmount(() => browser.clearInterval(this.interval));
    }

    get secondsLeft() {
        const deadline = this.props.record.data[this.props.name];
        return deadline ? (deadline.toMillis() - this.state.now) / 1000 : null;
    }

    get text() {
        const left = this.secondsLeft;
        if (left === null) {
            return "";
        }
        return left >= 0 ? _t("%s left", formatClock(left)) : _t("Late by %s", formatClock(-left));
    }

    get badgeClass() {
        const left = this.secondsLeft;
        const state = this.props.stateField && this.props.record.data[this.props.stateField];
        if (left < 0) {
            return "text-bg-danger";
        }
        return left < 300 || state === "warning" ? "text-bg-warning" : "text-bg-success";
    }
}

registry.category("fields").add("dealer_countdown", {
    component: DealerCountdownField,
    displayName: _t("Countdown"),
    supportedTypes: ["datetime"],
    extractProps: ({ options }) => ({ stateField: options.state_field }),
});
