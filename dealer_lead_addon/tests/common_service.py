from datetime import datetime, timedelta

from .common_intake import OPEN_NOW
from .common_texting import CUSTOMER, DealerTextingCommon

ENGLISH_CUSTOMER = "+16135550144"  # Ottawa
ADVISOR_MOBILE = "+15145550102"
# Thursday 2026-11-26 10:00 in Montreal, two days after OPEN_NOW
APPOINTMENT = datetime(2026, 11, 26, 15, 0)


class DealerServiceCommon(DealerTextingCommon):
    """A service team whose advisor is Julie (alert mobile), a French customer (Sophie, who
    also has an open sales lead) and an English one (John), each with a vehicle."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.advisor = cls.sales_2
        cls.service_team = cls.env["dealer.service.team"].create({
            "name": "Service", "user_id": cls.sales_1.id, "member_ids": [(6, 0, cls.advisor.ids)],
        })
        cls.sophie = cls.env["res.partner"].create({
            "name": "Sophie Tremblay", "phone": CUSTOMER, "lang": "fr_CA"})
        cls.john = cls.env["res.partner"].create({
            "name": "John Smith", "phone": ENGLISH_CUSTOMER, "lang": "en_US"})
        Vehicle = cls.env["dealer.service.vehicle"]
        cls.rav4 = Vehicle.create({"partner_id": cls.sophie.id, "vin": "2T3W1RFV8MW123456",
                                   "year": 2021, "make": "Toyota", "model": "RAV4",
                                   "mileage": 45000})
        cls.civic = Vehicle.create({"partner_id": cls.john.id, "year": 2019, "make": "Honda",
                                    "model": "Civic"})

    def _visit(self, partner=None, appointment=APPOINTMENT, **values):
        partner = partner or self.sophie
        vehicle = self.rav4 if partner == self.sophie else self.civic
        return self.env["dealer.service.visit"].create({
            "partner_id": partner.id, "vehicle_id": vehicle.id, "user_id": self.advisor.id,
            "team_id": self.service_team.id, "appointment_at": appointment,
            "ro_number": "RO-1001", **values})

    def _booked(self, partner=None, **values):
        """A visit booked at OPEN_NOW for APPOINTMENT."""
        with self._frozen(OPEN_NOW):
            return self._visit(partner, **values)

    def _service_texts(self, number=CUSTOMER):
        return self.env["sms.sms"].sudo().search(
            [("number", "=", number), ("dealer_purpose", "=", "service")], order="id")

    def _run_reminders(self, when):
        with self._frozen(when), self._no_commit_progress():
            self.env["dealer.service.visit"]._cron_dealer_service_reminders()

    @staticmethod
    def _before(hours, minutes=0):
        return APPOINTMENT - timedelta(hours=hours, minutes=minutes)
