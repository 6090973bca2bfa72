import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { _t } from "@web/core/l10n/translation";
import { formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";

const MODEL = "dealer.sms.sandbox.message";

/**
 * The SMS sandbox: each customer's number as a phone would show it. An answer is signed by
 * the server with the company's auth token and posted here, by the browser, to the real
 * inbound webhook: the signature check, the keywords and the routing all run.
 */
export class DealerSmsSandbox extends Component {
    static template = "dealer_lead_addon.SmsSandbox";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ threads: [], number: null, draft: "", newNumber: "", busy: false });
        this.messagesRef = useRef("messages");
        onWillStart(() => this.load());
        // like a phone: the latest text is in view
        useEffect(
            (el) => {
                if (el) {
                    el.scrollTop = el.scrollHeight;
                }
            },
            () => [this.messagesRef.el, this.state.number, this.thread.messages.length]
        );
    }

    async load() {
        this.state.threads = await this.orm.call(MODEL, "dealer_sandbox_conversations", []);
        if (!this.state.number && this.state.threads.length) {
            this.state.number = this.state.threads[0].number;
        }
    }

    get thread() {
        return (
            this.state.threads.find((t) => t.number === this.state.number) || {
                number: this.state.number,
                name: "",
                messages: [],
            }
        );
    }

    formatDate(value) {
        return formatDateTime(deserializeDateTime(value));
    }

    select(number) {
        this.state.number = number;
    }

    openNewNumber() {
        if (this.state.newNumber.trim()) {
            this.state.number = this.state.newNumber.trim();
            this.state.newNumber = "";
        }
    }

    async send() {
        const body = this.state.draft.trim();
        if (!body || !this.state.number || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const signed = await this.orm.call(MODEL, "dealer_sandbox_sign_reply", [
                this.state.number,
                body,
            ]);
            const response = await fetch(signed.url, {
                method: "POST",
                headers: {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signed.signature,
                },
                body: new URLSearchParams(signed.params),
            });
            if (response.ok) {
                this.state.draft = "";
                this.state.number = signed.params.From;
            } else {
                this.notification.add(
                    _t("The inbound webhook answered %(status)s: %(reason)s", {
                        status: response.status,
                        reason: await response.text(),
                    }),
                    { type: "danger" }
                );
            }
        } finally {
            this.state.busy = false;
        }
        await this.load();
    }

    onKeydown(ev) {
        if (ev.key === "Enter" && !ev.shiftKey) {
            ev.preventDefault();
            this.send();
        }
    }
}

registry.category("actions").add("dealer_sms_sandbox", DealerSmsSandbox);
