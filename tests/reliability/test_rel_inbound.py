"""A customer answers by text: the webhook, signed like Twilio, puts it on the lead; the
salesperson gets the one intended alert, and their own contact is never texted."""

from rel_leads import json_inquiry, new_customer, post_inbound_text, post_intake


def test_inbound_text_from_customer_is_posted_on_lead_without_texting_salesperson_contact(odoo):
    alert_mobile, partner_phone = odoo_web_salesperson_numbers()
    phone, _email, _serial = new_customer()
    answer = post_intake(odoo, "web", *json_inquiry(phone))
    assert answer.status == 201, answer.body[:300]
    lead_id = answer.json["lead_id"]
    assert len(odoo.wait_delivered(phone)) == 1  # the acknowledgement
    odoo.run_sms_queue()
    alerts_before = len(odoo.twilio.requests_to(alert_mobile))

    reply = post_inbound_text(odoo, "Is it still there tomorrow at 10?", sender=phone)

    assert reply.status == 200, reply.body[:300]
    assert b"<Response>" in reply.body

    def posted():
        return odoo.sql(f"""
            SELECT m.id, p.phone_sanitized FROM mail_message m
              LEFT JOIN res_partner p ON p.id = m.author_id
             WHERE m.model = 'crm.lead' AND m.res_id = {lead_id} AND m.message_type = 'sms'
               AND m.body LIKE '%still there tomorrow%'""")

    # once, as the customer's message (staff notifications may quote it, they are not SMS)
    assert len(odoo.poll(posted, timeout=30)) == 1
    odoo.poll(lambda: len(odoo.twilio.requests_to(alert_mobile)) > alerts_before, timeout=60)
    odoo.run_sms_queue()
    assert len(odoo.twilio.requests_to(alert_mobile)) == alerts_before + 1
    assert odoo.twilio.requests_to(partner_phone) == []
    partner_id = odoo.ids["web_partner_id"]
    assert odoo.sql(f"""
        SELECT id, number, state FROM sms_sms
         WHERE partner_id = {partner_id} AND number != '{alert_mobile}'""") == []


def odoo_web_salesperson_numbers():
    from rel_dealer import WEB_SALESPERSON

    return WEB_SALESPERSON[2], WEB_SALESPERSON[3]
