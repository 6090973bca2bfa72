/**
 * Lead alerts on screen, the moment they happen.
 *
 * Bus contract (sent by models/dealer_staff_alert.py and models/crm_lead_realtime.py):
 * - `dealer_lead/alert` to each alerted user:
 *   `{kind: 'new_lead'|'deadline_soon'|'overdue'|'customer_text'|'video_waiting'|'claimed',
 *     lead_id, title, body, url, sound: bool}` (already in the user's language)
 * - `dealer_lead/board` to the team's members: `{lead_id, op: 'upsert'|'remove'}` (read by the
 *   live board, not here).
 *
 * Each alert becomes one of Odoo's notifications with a sound and an "Open the lead" button;
 * a waiting customer or a missed deadline stays on screen until it is dealt with.
 */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { browser } from "@web/core/browser/browser";

export const ALERT_TYPES = {
    new_lead: "info",
    customer_text: "info",
    deadline_soon: "warning",
    overdue: "danger",
    video_waiting: "danger",
    claimed: "success",
};
// what must not vanish after a few seconds
const STICKY_KINDS = new Set(["overdue", "video_waiting"]);
const SOUNDS = { video_waiting: "call-invitation" };

export const dealerLeadRealtimeService = {
    dependencies: ["bus_service", "notification", "action", "mail.sound_effects"],
    start(env, services) {
        const { bus_service, notification, action } = services;
        const soundEffects = services["mail.sound_effects"];

        function openLead(alert) {
            if (alert.lead_id) {
                return action.doAction({
                    type: "ir.actions.act_window",
                    res_model: "crm.lead",
                    res_id: alert.lead_id,
                    views: [[false, "form"]],
                    target: "current",
                });
            }
            browser.location.assign(alert.url);
        }

        function show(alert) {
            const close = notification.add(alert.body, {
                title: alert.title,
                type: ALERT_TYPES[alert.kind] || "info",
                sticky: STICKY_KINDS.has(alert.kind),
                className: `o_dealer_lead_alert o_dealer_lead_alert_${alert.kind}`,
                buttons: [
                    {
                        name: _t("Open the lead"),
                        primary: true,
                        onClick: () => {
                            close();
                            openLead(alert);
                        },
                    },
                ],
            });
            if (alert.sound) {
                soundEffects?.play(SOUNDS[alert.kind] || "new-message");
            }
            return close;
        }

        bus_service.subscribe("dealer_lead/alert", show);
        bus_service.start();
        return { show };
    },
};

registry.category("services").add("dealer_lead_realtime", dealerLeadRealtimeService);
