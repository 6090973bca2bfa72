#!/usr/bin/env python3
"""Add up lint, pytest (JUnit XML) and Odoo test results into one 'N passed, M failed' line.

Lint checks are files holding "pass" or "fail": ``lint`` (ruff) and ``pylint_odoo``; a missing
one is a failure.
"""

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def pytest_counts(path):
    if not path.exists():
        return 0, 1, 0  # pytest did not even write its report: count it as a failure
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def main(folder):
    folder = Path(folder)
    passed, failed, skipped = pytest_counts(folder / "pytest.xml")
    for name in ("lint", "pylint_odoo"):
        check = folder / name
        ok = check.exists() and check.read_text().strip() == "pass"
        passed += int(ok)
        failed += int(not ok)
    odoo_file = folder / "odoo.json"
    odoo = json.loads(odoo_file.read_text()) if odoo_file.exists() else {"failed": 1}
    passed += odoo.get("passed", 0)
    failed += odoo.get("failed", 0)
    skipped += odoo.get("skipped", 0)
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
