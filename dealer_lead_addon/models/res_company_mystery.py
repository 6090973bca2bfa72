from odoo import fields, models

from .dealer_mystery_shopper import MANAGERS


class ResCompany(models.Model):
    """The synthetic customer of the mystery shopper: a number and an address the dealer owns
    (the only ones a test lead's texts and e-mails may reach); managers only, as a salesperson
    who knew them would know the test leads."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dealer_mystery_phone = fields.Char(
        string="Mystery Shopper Number", groups=MANAGERS,
        help="A number the dealership owns (e.g. a spare Twilio number, or any number while "
             "texts go to the sandbox): the test leads' customer number. Empty: a number "
             "reserved for fiction (555-01XX), which no customer can have.")
    dealer_mystery_email = fields.Char(
        string="Mystery Shopper E-mail", groups=MANAGERS,
        help="An address the dealership owns, given to the test leads (their acknowledgement "
             "e-mail goes there). Empty: the test leads have no e-mail.")
