from . import dealer_consent_record
from . import dealer_lead_source_key_show
from . import sms_composer
