"""Several salespeople of an up-for-grabs team claim the same lead at the same instant, each
through their own request on the two-worker Odoo: exactly one gets it, the others are told."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import rel_odoo
from rel_dealer import BURST_SALESPEOPLE, WEB_SALESPERSON

PASSWORD = "claim-pw-0123456789"
ROUNDS = 4


def _grab_team(odoo):
    """An up-for-grabs team of four salespeople, who can log in; their JSON-RPC clients."""
    admin = odoo.admin()
    logins = [login for login, *_rest in BURST_SALESPEOPLE] + [WEB_SALESPERSON[0]]
    user_ids = admin.call("res.users", "search", [("login", "in", logins)])
    admin.call("res.users", "write", user_ids, {"password": PASSWORD})
    team_id = admin.call("crm.team", "create", {
        "name": f"Grabs {uuid.uuid4().hex[:6]}", "dealer_up_for_grabs": True,
        "crm_team_member_ids": [(0, 0, {"user_id": uid}) for uid in user_ids]})
    clients = [rel_odoo.JsonRpc(odoo.url, odoo.db, login, PASSWORD) for login in logins]
    return admin, team_id, clients


def _claim_all_at_once(clients, lead_id):
    barrier = threading.Barrier(len(clients))

    def claim(client):
        barrier.wait()
        return client.uid, client.call("crm.lead", "action_dealer_claim", [lead_id])

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(claim, clients))


def test_four_claims_at_once_one_winner_the_others_told(odoo):
    admin, team_id, clients = _grab_team(odoo)
    for _round in range(ROUNDS):
        lead_id = admin.call("crm.lead", "create", {
            "name": "Grab me", "type": "opportunity", "team_id": team_id, "user_id": False})
        answers = _claim_all_at_once(clients, lead_id)

        kinds = Counter(action["params"]["type"] for _uid, action in answers)
        assert kinds == {"success": 1, "warning": len(clients) - 1}, answers
        winner = next(uid for uid, action in answers if action["params"]["type"] == "success")
        [lead] = admin.call("crm.lead", "read", [lead_id],
                            ["user_id", "dealer_claimed_by_id"])
        assert lead["user_id"][0] == lead["dealer_claimed_by_id"][0] == winner
        winner_name = lead["user_id"][1]
        for uid, action in answers:
            if uid != winner:
                assert winner_name in action["params"]["message"]
        logged = odoo.sql(f"""
            SELECT COUNT(*) AS n FROM mail_message
             WHERE model = 'crm.lead' AND res_id = {lead_id} AND body ILIKE '%claimed by%'""")
        assert logged[0]["n"] == 1, "one claim, logged once"
