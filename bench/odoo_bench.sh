#!/usr/bin/env bash
# Run one Odoo benchmark script inside `odoo-bin shell` on a throw-away database that has
# dealer_lead_addon installed, plus the modules of the script's `# bench-modules: a,b` line (e.g.
# base_automation for a stock baseline). The script gets `env` like any Odoo shell script.
set -euo pipefail
cd "$(dirname "$0")/.."
script="$1"
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
ODOO_PYTHON="${ODOO_PYTHON:-$ODOO_PATH/.venv/bin/python}"
db="dealer_bench_$$"
extra="$(sed -n 's/^# bench-modules: *//p' "$script" | head -1)"
args=(-d "$db" --db_host 127.0.0.1 --db_user "${USER:-root}" --data-dir /tmp/dealer-bench-data
      --addons-path "$ODOO_PATH/addons,$(pwd)" --http-interface 127.0.0.1 --log-level warn)
trap 'dropdb --if-exists -h 127.0.0.1 "$db" >/dev/null 2>&1 || true' EXIT
"$ODOO_PYTHON" "$ODOO_PATH/odoo-bin" "${args[@]}" -i "dealer_lead_addon${extra:+,$extra}" \
    --stop-after-init
"$ODOO_PYTHON" "$ODOO_PATH/odoo-bin" shell "${args[@]}" --no-http < "$script"
