"""The addon's pure tools imported without Odoo (see ``tests/intake/conftest.py``)."""

import sys
import types
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "dealer_lead_addon" / "tools"

if "dealer_tools" not in sys.modules:
    package = types.ModuleType("dealer_tools")
    package.__path__ = [str(TOOLS)]
    sys.modules["dealer_tools"] = package
