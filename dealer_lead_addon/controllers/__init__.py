from . import intake
from . import video
