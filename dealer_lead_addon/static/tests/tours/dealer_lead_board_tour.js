import { registry } from "@web/core/registry";

/**
 * A salesperson watches the lead board; an inquiry arrives through the intake API (with the
 * key of the test's lead source, tests/test_board_browser.py); it appears on the board
 * without reload; they claim it.
 */
const INTAKE_KEY = "test-key-tour-0123456789";
registry.category("web_tour.tours").add("dealer_lead_board_claim", {
    steps: () => [
        {
            content: "The board is open and has no lead yet",
            trigger: ".o_dealer_board .o_dealer_board_empty",
        },
        {
            content: "An inquiry arrives through the intake API",
            trigger: ".o_dealer_board",
            run: async () => {
                const response = await fetch("/dealer_lead/intake/tour", {
                    method: "POST",
                    headers: {
                        "Content-Type": "application/json",
                        Authorization: `Bearer ${INTAKE_KEY}`,
                    },
                    body: JSON.stringify({
                        provider_lead_id: "TOUR-1",
                        customer: {
                            first_name: "Ana",
                            last_name: "Lee",
                            phones: [{ number: "514-555-0142", type: "mobile" }],
                            comments: "Is the blue one still there?",
                        },
                        vehicles: [
                            { interest: "buy", status: "new", year: 2026, make: "Mazda", model: "CX-5" },
                        ],
                    }),
                });
                if (response.status !== 201) {
                    throw new Error(`intake answered ${response.status}`);
                }
            },
        },
        {
            content: "The new lead appears on the board, up for grabs, without reload",
            trigger: ".o_dealer_board_card:contains(Ana Lee):contains(2026 Mazda CX-5) .o_dealer_board_holder:contains(Up for grabs)",
        },
        {
            content: "Claim it",
            trigger: ".o_dealer_board_card:contains(Ana Lee) .o_dealer_board_claim",
            run: "click",
        },
        {
            content: "The lead is mine",
            trigger: ".o_dealer_board_card:contains(Ana Lee) .o_dealer_board_holder:contains(Marc Gagnon)",
        },
        {
            content: "No Claim button any more",
            trigger: ".o_dealer_board_card:contains(Ana Lee):not(:has(.o_dealer_board_claim))",
        },
    ],
});
