from . import dealer_consent_record
from . import dealer_lead_source_key_show
from . import sms_composer
from . import dealer_video_link_send
from . import dealer_sla_policy_replan
