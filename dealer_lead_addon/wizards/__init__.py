from . import dealer_consent_record
from . import dealer_response_summary
