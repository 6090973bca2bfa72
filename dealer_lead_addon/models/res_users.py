from odoo import api, fields, models

# what the teams' cached rotation and board audience depend on
USER_CACHE_FIELDS = frozenset({"active", "share", "group_ids"})


class ResUsers(models.Model):
    _inherit = "res.users"

    dealer_alert_mobile = fields.Char(
        string="Lead Alert Mobile",
        help="Own mobile number where this salesperson is texted about new leads.")

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["dealer_alert_mobile"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["dealer_alert_mobile"]

    @api.model_create_multi
    def create(self, vals_list):
        """Salespeople and managers of the addon read their notifications "In Odoo" unless
        told otherwise: an alert in a mailbox is an alert missed (and a dealership's Odoo
        often has no mail server)."""
        users = super().create(vals_list)
        users.browse([user.id for user, vals in zip(users, vals_list, strict=True)
                      if "notification_type" not in vals])._dealer_default_inbox()
        return users

    def write(self, vals):
        result = super().write(vals)
        if USER_CACHE_FIELDS.intersection(vals):
            # crm.team._dealer_rotation (active users), _dealer_board_user_ids (internal users)
            self.env.registry.clear_cache()
        return result

    def _dealer_default_inbox(self):
        salesperson = self.env.ref("dealer_lead_addon.group_dealer_lead_salesperson",
                                   raise_if_not_found=False)
        inbox = self.env.ref("mail.group_mail_notification_type_inbox",
                             raise_if_not_found=False)
        if not salesperson or not inbox:
            return
        users = self.filtered(lambda user: not user.share and salesperson in user.all_group_ids
                              and user.notification_type == "email")
        # sudo: whoever creates the salesperson gives them Odoo's own "In Odoo" setting
        users.sudo().write({"group_ids": [(4, inbox.id)]})
