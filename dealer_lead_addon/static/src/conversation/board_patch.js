import { patch } from "@web/core/utils/patch";
import { DealerLeadBoard } from "../board/lead_board";

/** The live board opens a lead's conversation in one tap. */
patch(DealerLeadBoard.prototype, {
    async openConversation(lead) {
        const action = await this.orm.call("crm.lead", "action_dealer_conversation", [[lead.id]]);
        await this.actionService.doAction(action);
    },
});
