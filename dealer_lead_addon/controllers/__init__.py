from . import intake
from . import sms
from . import unsubscribe
from . import video
from . import service_api
from . import service_approval
