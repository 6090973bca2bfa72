{
    "name": "Dealer Lead Response",
    "version": "19.0.1.0.0",
    "summary": "Answer every car-dealer lead in seconds: intake, routing, SLAs, two-way SMS, "
    "consent and live video links",
    "category": "Sales/CRM",
    "author": "Dealer Lead Response contributors",
    "website": "https://github.com/dealer-lead-response/dealer-lead-response",
    "license": "LGPL-3",
    "depends": [
        "crm",
        "sms",
        "sms_twilio",
        "phone_validation",
        "utm",
        "resource",
        "calendar",
    ],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/dealer_lead_security.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/dealer_lead_menus.xml",
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
