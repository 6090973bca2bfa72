import { registry } from "@web/core/registry";

// A manager answers as the customer on the sandbox page: the answer goes through the signed
// inbound webhook and shows on the phone.
registry.category("web_tour.tours").add("dealer_sms_sandbox_tour", {
    url: "/odoo/action-dealer_lead_addon.dealer_sms_sandbox_action",
    steps: () => [
        {
            trigger: ".o_dealer_sandbox_thread:contains('Sophie Tremblay')",
            run: "click",
        },
        {
            trigger: ".o_dealer_sandbox_bubble.o_received:contains('Votre essai routier est confirmé.')",
        },
        {
            trigger: ".o_dealer_sandbox_draft",
            run: "edit Parfait, à samedi!",
        },
        {
            trigger: ".o_dealer_sandbox_send",
            run: "click",
        },
        {
            trigger: ".o_dealer_sandbox_bubble.o_sent:contains('Parfait, à samedi!')",
        },
    ],
});
