#!/usr/bin/env bash
# The project's lint, each tool one check: ruff over the repository, then OCA's pylint-odoo
# checks (Odoo 19) over the addon. Both are configured in pyproject.toml.
#   scripts/lint.sh           run both; exit non-zero when either reports anything
#   scripts/lint.sh OUT_DIR   also write OUT_DIR/lint (ruff) and OUT_DIR/pylint_odoo, each
#                             "pass" or "fail", for scripts/summarize.py
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-}"
status=0

check() {  # check NAME COMMAND...
    local name=$1 result=pass
    shift
    echo "== lint: $name"
    "$@" || { result=fail; status=1; }
    if [ -n "$out" ]; then echo "$result" > "$out/$name"; fi
}

check lint .venv/bin/ruff check .
check pylint_odoo .venv/bin/pylint dealer_lead_addon
exit $status
