from odoo import fields, models


class DealerLeadSourceKeyShow(models.AbstractModel):
    """Shows a new lead-source API key once: it is stored hashed, nobody can read it later.
    No table: the key only travels in the wizard's context (as ``res.users.apikeys.show``)."""

    _name = "dealer.lead.source.key.show"
    _description = "Show Lead Source API Key"

    # the field 'id' is necessary for the onchange that returns the value of 'key'
    id = fields.Id()
    key = fields.Char(readonly=True)
    source_name = fields.Char(readonly=True)
