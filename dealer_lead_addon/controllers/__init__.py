from . import intake
from . import sms
from . import video
