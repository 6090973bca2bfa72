#!/usr/bin/env bash
# Run every test of the project and end on one line: "N passed, M failed[, K skipped]".
#   1. lint: ruff over the whole repository (one check), pylint-odoo over the addon (one check)
#   2. pytest: the video gateway, the compose file, the browser end-to-end tests, the pure
#      intake parsers, the multi-worker reliability suite
#   3. the addon's tests inside a real Odoo 19 (scripts/odoo_tests.py; SKIPPED without Odoo)
# Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/dealer-test-$$"
mkdir -p "$out"

bash scripts/setup_system.sh || echo "warning: could not install Debian packages"
bash scripts/setup_venv.sh || { echo "0 passed, 1 failed"; exit 1; }

bash scripts/lint.sh "$out"

echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider --junitxml="$out/pytest.xml" "$@"

echo "== Odoo 19: dealer_lead_addon"
ODOO_RESULT_FILE="$out/odoo.json" python3 scripts/odoo_tests.py

python3 scripts/summarize.py "$out"
status=$?
rm -rf "$out"
exit $status
