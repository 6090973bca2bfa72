"""Records of shipped data (templates, crons, OdooBot) found by their xmlid."""


def data_record(env, xmlid, raise_if_not_found=True):
    """The record of ``xmlid`` (data that the addon or Odoo ships), by the id that
    ``ir.model.data`` caches.

    ``env.ref`` also queries whether the record exists, at every call: the hot paths (every
    inquiry, every acknowledgement, every queued text) skip that query. A record deleted since
    raises ``MissingError`` when it is read.

    :return: the record, or None when the xmlid is unknown and ``raise_if_not_found`` is False
    """
    model, res_id = env["ir.model.data"]._xmlid_to_res_model_res_id(
        xmlid, raise_if_not_found=raise_if_not_found)
    return env[model].browse(res_id) if model and res_id else None
