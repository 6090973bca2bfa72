"""The addon's pure tools (``dealer_lead_addon/tools``) imported without Odoo.

``tools/__init__.py`` imports Odoo-bound helpers, so the folder is registered as a bare package
(its ``__init__`` is not run) and its pure modules are imported from it.
"""

import sys
import types
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "dealer_lead_addon" / "tools"
FIXTURES = TOOLS.parent / "tests" / "fixtures"

if "dealer_tools" not in sys.modules:
    package = types.ModuleType("dealer_tools")
    package.__path__ = [str(TOOLS)]
    sys.modules["dealer_tools"] = package


@pytest.fixture
def fixture_text():
    def read(name):
        return (FIXTURES / name).read_text(encoding="utf-8")
    return read
