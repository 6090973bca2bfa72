import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { smsSegments } from "../board/sms_segments";

/** What each status of an outbound text reads as under its bubble. */
export function statusLabel(message) {
    const labels = {
        queued: _t("Queued"),
        sending: _t("Sending"),
        held: _t("Held (quiet hours)"),
        sent: _t("Sent"),
        delivered: _t("Delivered"),
        failed: _t("Failed"),
        canceled: _t("Not sent"),
    };
    const label = String(labels[message.status] || "");
    if (!message.reason) {
        return label;
    }
    return String(_t("%(status)s: %(reason)s", { status: label, reason: message.reason }));
}

/**
 * Every text with a customer across all their leads (and service visits), as a phone-style
 * thread: the customer's on the left, ours on the right with what the provider last said.
 * The composer sends through the server (the one outbound guard), offers the team's quick
 * replies in the customer's language and counts segments the way the carrier bills them.
 *
 * The server says when a text arrives or changes status (bus ``dealer_lead/conversation``,
 * payload ``{lead_id}``); the thread is then read again.
 */
export class DealerConversation extends Component {
    static template = "dealer_lead_addon.Conversation";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.busService = useService("bus_service");
        const params = this.props.action?.params || {};
        const context = this.props.action?.context || {};
        this.leadId = params.lead_id || context.active_id;
        this.state = useState({ data: null, body: "", sending: false });
        this.threadRef = useRef("thread");
        this.onNotification = this.onNotification.bind(this);
        onWillStart(() => this.load());
        // the latest text in view, like a phone, whenever the thread changes
        useEffect(
            (thread) => {
                if (thread) {
                    thread.scrollTop = thread.scrollHeight;
                }
            },
            () => [this.threadRef.el, this.state.data]
        );
        this.busService.subscribe("dealer_lead/conversation", this.onNotification);
        if (!this.busService.isActive) {
            this.busService.start();
        }
        onWillUnmount(() =>
            this.busService.unsubscribe("dealer_lead/conversation", this.onNotification)
        );
    }

    async load() {
        this.state.data = await this.orm.call("crm.lead", "dealer_conversation_data", [
            [this.leadId],
        ]);
    }

    onNotification(payload) {
        if (this.state.data && payload && this.state.data.lead_ids.includes(payload.lead_id)) {
            this.load();
        }
    }

    get segments() {
        return smsSegments(this.state.body);
    }

    get counterText() {
        const info = this.segments;
        return _t("%(units)s/%(limit)s · %(segments)s SMS (%(encoding)s)", {
            units: info.units,
            limit: info.limit,
            segments: info.segments,
            encoding: info.encoding,
        });
    }

    formatDate(value) {
        const date = new Date(value.replace(" ", "T") + "Z");
        return date.toLocaleString(undefined, {
            day: "numeric",
            month: "short",
            hour: "2-digit",
            minute: "2-digit",
        });
    }

    statusLabel(message) {
        return statusLabel(message);
    }

    useQuickReply(reply) {
        this.state.body = reply.body;
    }

    async call(method, args = []) {
        this.state.sending = true;
        try {
            this.state.data = await this.orm.call("crm.lead", method, [[this.leadId], ...args]);
            return true;
        } finally {
            this.state.sending = false;
        }
    }

    async send() {
        if (!this.state.body.trim() || this.state.sending) {
            return;
        }
        if (await this.call("dealer_conversation_send", [this.state.body])) {
            this.state.body = "";
        }
    }

    async sendVideoLink() {
        await this.call("dealer_conversation_send_video");
        this.notification.add(_t("Video link queued."), { type: "success" });
    }

    onKeydown(ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
            ev.preventDefault();
            this.send();
        }
    }

    openLead() {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.lead",
            res_id: this.leadId,
            views: [[false, "form"]],
        });
    }

    openRecord(message) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: message.record_model,
            res_id: message.record_id,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("dealer_lead_conversation", DealerConversation);
