from . import concurrency
from . import quiet_hours
from . import region_timezones
from . import sms_keywords
from . import sms_segments
from . import twilio_api
from . import twilio_signature
from . import staff_commands
