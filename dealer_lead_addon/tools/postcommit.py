from odoo import SUPERUSER_ID, api


def call_after_commit(env, records, method):
    """Call ``records.<method>()`` as superuser in a new transaction right after ``env``'s
    transaction commits; nothing happens if it rolls back.

    Calls for the same model and method within one transaction are batched into a single call
    (e.g. one provider request for the acknowledgement and the staff alert texts).
    """
    if not records:
        return
    postcommit = env.cr.postcommit
    key = f"dealer_lead_addon.after_commit.{records._name}.{method}"
    pending = postcommit.data.setdefault(key, [])
    if not pending:
        registry, model = env.registry, records._name

        def run():
            with registry.cursor() as cr:
                getattr(api.Environment(cr, SUPERUSER_ID, {})[model].browse(pending).exists(),
                        method)()

        postcommit.add(run)
    pending.extend(records.ids)
