from . import test_install
from . import test_intake_adf
from . import test_intake_email
from . import test_intake_http
from . import test_routing
from . import test_ack
