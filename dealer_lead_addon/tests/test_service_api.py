import json

from odoo.tests import HttpCase, tagged

KEY = "test-key-dms-0123456789abc"
PUSH = {
    "id": "APPT-7781",
    "status": "booked",
    "appointment_at": "2026-12-03T09:30:00-05:00",
    "ro_number": "RO-55120",
    "advisor_email": "conseiller@autolaval.example",
    "customer": {"name": "Sophie Tremblay", "phone": "514 555-0177", "lang": "fr"},
    "vehicle": {"vin": "2T3W1RFV8MW123456", "year": 2021, "make": "Toyota", "model": "RAV4",
                "mileage": 45210},
    "description": "Changement d'huile et pneus d'hiver",
}


@tagged("post_install", "-at_install")
class TestServiceApi(HttpCase):
    """``POST /dealer_lead/service/<code>``: a DMS pushes appointments and status changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"country_id": cls.env.ref("base.ca").id,
                               "dealer_quiet_hour_start": 0.0, "dealer_quiet_hour_end": 24.0})
        cls.source = cls.env["dealer.lead.source"].create({"name": "CDK", "code": "cdk"})
        cls.source._dealer_set_api_key(KEY)
        cls.advisor = cls.env["res.users"].create({
            "name": "Julie Roy", "login": "conseiller@autolaval.example",
            "email": "conseiller@autolaval.example"})
        cls.team = cls.env["dealer.service.team"].create({"name": "Service"})

    def _post(self, payload, content_type="application/json", key=KEY, code="cdk"):
        headers = {"Content-Type": content_type}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        response = self.url_open(f"/dealer_lead/service/{code}", data=body, headers=headers)
        return response.status_code, response.json()

    def _visits(self):
        return self.env["dealer.service.visit"].search([("source_id", "=", self.source.id)])

    def test_new_appointment_creates_the_visit_201(self):
        status, answer = self._post(PUSH)
        self.assertEqual((status, answer["status"]), (201, "created"), answer)
        visit = self.env["dealer.service.visit"].browse(answer["visit_id"])
        self.assertEqual((visit.dms_id, visit.ro_number, visit.status),
                         ("APPT-7781", "RO-55120", "booked"))
        self.assertEqual(str(visit.appointment_at), "2026-12-03 14:30:00")
        self.assertEqual(visit.user_id, self.advisor)
        self.assertEqual(visit.team_id, self.team)
        self.assertEqual((visit.partner_id.phone_sanitized, visit.partner_id.lang),
                         ("+15145550177", "fr_CA"))
        self.assertEqual((visit.vehicle_id.vin, visit.vehicle_id.mileage, visit.mileage),
                         ("2T3W1RFV8MW123456", 45210, 45210))
        self.assertTrue(visit.event_id)

    def test_the_same_push_twice_is_a_repeat_200(self):
        self._post(PUSH)
        status, answer = self._post(PUSH)
        self.assertEqual((status, answer["status"]), (200, "repeat"))
        self.assertEqual(len(self._visits()), 1)
        push = self.env["dealer.service.inbound"].browse(answer["push_id"])
        self.assertEqual(push.attempt_count, 2)

    def test_a_status_change_updates_the_visit_200(self):
        _status, created = self._post(PUSH)
        status, answer = self._post({"id": "APPT-7781", "status": "ready"})
        self.assertEqual((status, answer["status"], answer["visit_id"]),
                         (200, "updated", created["visit_id"]))
        self.assertEqual(self._visits().status, "ready")

    def test_a_push_that_changes_nothing_is_unchanged(self):
        self._post(PUSH)
        status, answer = self._post({"id": "APPT-7781", "status": "booked"})
        self.assertEqual((status, answer["status"]), (200, "unchanged"))

    def test_raw_payload_is_kept(self):
        _status, answer = self._post(PUSH)
        push = self.env["dealer.service.inbound"].browse(answer["push_id"])
        self.assertEqual(json.loads(push.raw_payload), PUSH)

    def test_vehicles_and_history_are_kept_per_customer(self):
        self._post(PUSH)
        self._post({**PUSH, "id": "APPT-9000", "ro_number": "RO-60000",
                    "vehicle": {**PUSH["vehicle"], "mileage": 52000}})
        vehicle = self._visits().vehicle_id
        self.assertEqual(len(vehicle), 1)
        self.assertEqual(vehicle.visit_count, 2)
        self.assertEqual(vehicle.mileage, 52000)
        self.assertEqual(len(self._visits().partner_id), 1)

    def test_missing_key_is_401(self):
        status, answer = self._post(PUSH, key=None)
        self.assertEqual((status, answer["error"]), (401, "unauthorized"))
        status, answer = self._post(PUSH, key="wrong-key-0123456789")
        self.assertEqual(status, 401)
        self.assertFalse(self.env["dealer.service.inbound"].search([]))

    def test_bad_json_is_400_and_quarantined(self):
        status, answer = self._post(b'{"id": "A-1", ')
        self.assertEqual((status, answer["error"]), (400, "malformed_json"))
        push = self.env["dealer.service.inbound"].browse(answer["push_id"])
        self.assertEqual((push.state, push.reason_code), ("quarantined", "malformed_json"))
        self.assertEqual(push.raw_payload, '{"id": "A-1", ')

    def test_not_json_is_415(self):
        status, answer = self._post("id=1", content_type="application/x-www-form-urlencoded")
        self.assertEqual((status, answer["error"]), (415, "unsupported_media_type"))

    def test_empty_body_is_400(self):
        status, answer = self._post(b"  ")
        self.assertEqual((status, answer["error"]), (400, "empty_body"))

    def _assert_refused(self, payload, code):
        status, answer = self._post(payload)
        self.assertEqual((status, answer["error"]), (422, code), answer)
        self.assertTrue(answer["message"])
        self.assertFalse(self._visits())

    def test_missing_id_is_422(self):
        self._assert_refused({**PUSH, "id": ""}, "missing_id")

    def test_unknown_status_is_422(self):
        self._assert_refused({**PUSH, "status": "done"}, "unknown_status")

    def test_a_quarantined_push_keeps_its_dms_id(self):
        _status, answer = self._post({**PUSH, "status": "done"})
        push = self.env["dealer.service.inbound"].browse(answer["push_id"])
        self.assertEqual((push.dms_id, push.state), ("APPT-7781", "quarantined"))

    def test_date_without_offset_is_422(self):
        self._assert_refused({**PUSH, "appointment_at": "2026-12-03 09:30"}, "invalid_datetime")

    def test_customer_without_phone_or_email_is_422(self):
        self._assert_refused({**PUSH, "customer": {"name": "X", "phone": "000"}}, "no_contact")

    def test_new_appointment_without_customer_is_422(self):
        self._assert_refused({"id": "APPT-1", "status": "booked"}, "missing_customer")

    def test_bad_vin_is_422(self):
        self._assert_refused({**PUSH, "vehicle": {"vin": "123"}}, "invalid_vin")

    def test_array_body_is_422(self):
        self._assert_refused([PUSH], "not_an_object")

    def test_quarantined_push_can_be_retried_once_fixed(self):
        _status, answer = self._post({**PUSH, "status": "done"})
        push = self.env["dealer.service.inbound"].browse(answer["push_id"])
        push.raw_payload = json.dumps(PUSH)
        push.action_retry()
        self.assertEqual((push.state, push.outcome), ("applied", "created"))
