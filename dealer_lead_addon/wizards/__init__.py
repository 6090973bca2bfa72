from . import dealer_consent_record
