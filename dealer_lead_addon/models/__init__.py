from . import crm_lead
from . import crm_team
from . import dealer_outbound
from . import mail_mail
from . import res_company
from . import res_config_settings
from . import sms_sms
