import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/** "2026-12-01 18:00:00" (naive UTC from the server) -> milliseconds since the epoch. */
export function parseUtc(value) {
    if (!value) {
        return null;
    }
    return Date.parse(value.replace(" ", "T") + "Z");
}

function pad(number) {
    return String(number).padStart(2, "0");
}

/** 245 -> "04:05", 3905 -> "1:05:05". */
export function formatClock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = `${pad(minutes)}:${pad(seconds % 60)}`;
    return hours ? `${hours}:${rest}` : rest;
}

/** 12 -> "12 min", 125 -> "2 h 05" (Quebec style), 3000 -> "2 d". */
export function formatAge(minutes) {
    minutes = Math.max(0, Math.floor(minutes));
    if (minutes < 60) {
        return String(_t("%s min", minutes));
    }
    if (minutes < 48 * 60) {
        return String(
            _t("%(hours)s h %(minutes)s", {
                hours: Math.floor(minutes / 60),
                minutes: pad(minutes % 60),
            })
        );
    }
    return String(_t("%s d", Math.floor(minutes / 1440)));
}

/**
 * Live lead board: the leads waiting for a human answer, with a countdown that ticks every
 * second, who holds each one, and one tap to call, text, send the video link or claim.
 *
 * The server says when a lead changes (bus notification ``dealer_lead/board``, payload
 * ``{lead_id, op}``); the board then reads its leads again, through the user's rights.
 */
export class DealerLeadBoard extends Component {
    static template = "dealer_lead_addon.LeadBoard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.busService = useService("bus_service");
        this.state = useState({
            leads: [],
            loaded: false,
            canVideo: false,
            now: Date.now(),
            claiming: {},
        });
        this.clockOffset = 0; // server clock minus this browser's clock, in ms
        this.loading = null;
        this.reloadAgain = false;
        this.onBoardNotification = this.onBoardNotification.bind(this);
        onWillStart(() => this.load());
        this.busService.subscribe("dealer_lead/board", this.onBoardNotification);
        if (!this.busService.isActive) {
            this.busService.start();
        }
        this.interval = browser.setInterval(() => this.tick(), 1000);
        onWillUnmount(() => {
            browser.clearInterval(this.interval);
            this.busService.unsubscribe("dealer_lead/board", this.onBoardNotification);
        });
    }

    async load() {
        if (this.loading) {
            this.reloadAgain = true;
            return this.loading;
        }
        this.loading = this.orm.call("crm.lead", "dealer_board_data", []);
        try {
            const data = await this.loading;
            this.clockOffset = parseUtc(data.now) - Date.now();
            this.state.leads = data.leads;
            this.state.canVideo = data.can_video;
            this.state.loaded = true;
            this.tick();
        } finally {
            this.loading = null;
        }
        if (this.reloadAgain) {
            this.reloadAgain = false;
            await this.load();
        }
    }

    tick() {
        this.state.now = Date.now() + this.clockOffset;
    }

    onBoardNotification(payload) {
        if (payload && payload.op === "remove") {
            // gone at once; the reload below confirms what the user may still see
            this.state.leads = this.state.leads.filter((lead) => lead.id !== payload.lead_id);
        }
        this.load();
    }

    secondsLeft(lead) {
        return (parseUtc(lead.deadline) - this.state.now) / 1000;
    }

    countdown(lead) {
        const left = this.secondsLeft(lead);
        if (left >= 0) {
            return _t("%s left", formatClock(left));
        }
        return _t("Late by %s", formatClock(-left));
    }

    countdownClass(lead) {
        const left = this.secondsLeft(lead);
        if (left < 0) {
            return "text-bg-danger";
        }
        if (left < 5 * 60 || lead.sla_state === "warning") {
            return "text-bg-warning";
        }
        return "text-bg-success";
    }

    age(lead) {
        return _t("received %s ago", formatAge((this.state.now - parseUtc(lead.received)) / 60000));
    }

    holder(lead) {
        if (lead.claimable) {
            return _t("Up for grabs");
        }
        return lead.holder || _t("Nobody yet");
    }

    get sortedLeads() {
        return [...this.state.leads].sort(
            (a, b) => parseUtc(a.deadline) - parseUtc(b.deadline) || a.id - b.id
        );
    }

    openLead(lead) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.lead",
            res_id: lead.id,
            views: [[false, "form"]],
        });
    }

    openSmsComposer(lead) {
        this.actionService.doAction(
            {
                type: "ir.actions.act_window",
                name: _t("Text %s", lead.customer),
                res_model: "sms.composer",
                views: [[false, "form"]],
                target: "new",
                context: {
                    default_res_model: "crm.lead",
                    default_res_id: lead.id,
                    default_composition_mode: "comment",
                },
            },
            { onClose: () => this.load() }
        );
    }

    async sendVideoLink(lead) {
        const result = await this.orm.call("crm.lead", "action_dealer_send_video_link", [
            [lead.id],
        ]);
        if (result && typeof result === "object") {
            await this.actionService.doAction(result);
        }
    }

    async claim(lead) {
        this.state.claiming[lead.id] = true;
        try {
            const result = await this.orm.call("crm.lead", "action_dealer_claim", [[lead.id]]);
            if (result) {
                await this.actionService.doAction(result);
            }
        } finally {
            delete this.state.claiming[lead.id];
            await this.load();
        }
    }
}

registry.category("actions").add("dealer_lead_board", DealerLeadBoard);
