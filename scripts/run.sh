#!/usr/bin/env bash
# Run the product locally: Odoo 19 with dealer_lead_addon and demo data, plus the video gateway.
#   ODOO_PATH    folder holding odoo-bin (default /opt/odoo19)
#   ODOO_PYTHON  its python (default $ODOO_PATH/.venv/bin/python)
#   DEALER_DB    database name (default dealer_demo), created with demo data on first run
#   ODOO_PORT / GATEWAY_PORT   default 8069 / 8765
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
ODOO_PYTHON="${ODOO_PYTHON:-$ODOO_PATH/.venv/bin/python}"
DEALER_DB="${DEALER_DB:-dealer_demo}"
ODOO_PORT="${ODOO_PORT:-8069}"
GATEWAY_PORT="${GATEWAY_PORT:-8765}"
DB_ARGS=(--db_host "${ODOO_DB_HOST:-127.0.0.1}" --db_port "${ODOO_DB_PORT:-5432}"
         --db_user "${ODOO_DB_USER:-${USER:-root}}")

if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -x "$ODOO_PYTHON" ]; then
    cat <<EOF
Odoo 19 was not found at $ODOO_PATH (python: $ODOO_PYTHON).
Odoo 19 is in no package registry. To get it:
  1. put an Odoo 19.0 Community checkout (its odoo/, addons/ and odoo-bin) in /opt/odoo19
     (or anywhere, then export ODOO_PATH=that/folder);
  2. create its virtualenv and install its requirements plus phonenumbers:
       python3.12 -m venv /opt/odoo19/.venv
       echo 'setuptools<81' > /tmp/c.txt
       grep -v python-ldap /opt/odoo19/requirements.txt > /tmp/r.txt
       PIP_CONSTRAINT=/tmp/c.txt /opt/odoo19/.venv/bin/pip install -r /tmp/r.txt phonenumbers
  3. run 'make run' again.
Or run the whole stack in containers: 'docker compose up' (see README).
EOF
    exit 1
fi

bash scripts/setup_venv.sh
mkdir -p var
[ -s var/video_secret ] || "$ODOO_PYTHON" -c "import secrets; print(secrets.token_urlsafe(48))" > var/video_secret
SECRET=$(cat var/video_secret)
ODOO_BIN=("$ODOO_PYTHON" "$ODOO_PATH/odoo-bin")
ODOO_ARGS=(-d "$DEALER_DB" "${DB_ARGS[@]}" --addons-path "$ODOO_PATH/addons,$REPO")

if ! psql -h "${ODOO_DB_HOST:-127.0.0.1}" -U "${ODOO_DB_USER:-${USER:-root}}" -d postgres -Atc \
        "SELECT 1 FROM pg_database WHERE datname='$DEALER_DB'" | grep -q 1; then
    echo "Creating database $DEALER_DB with the addon and its demo data (about a minute)..."
    "${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" -i dealer_lead_addon --with-demo --stop-after-init \
        --log-level warn --http-interface 127.0.0.1
fi
# Point the addon at the local gateway (idempotent).
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --log-level warn --no-http <<EOF >/dev/null
icp = env["ir.config_parameter"].sudo()
icp.set_param("dealer_lead_addon.video_gateway_url", "http://127.0.0.1:$GATEWAY_PORT")
icp.set_param("dealer_lead_addon.video_secret", "$SECRET")
icp.set_param("web.base.url", "http://127.0.0.1:$ODOO_PORT")
# demo logins: every demo user of the addon gets the password "demo"
demo = env["ir.model.data"].search([("module", "=", "dealer_lead_addon"), ("model", "=", "res.users")])
env["res.users"].browse(demo.mapped("res_id")).write({"password": "demo"})
env.cr.commit()
EOF

GATEWAY_ENV=development GATEWAY_HOST=127.0.0.1 GATEWAY_PORT="$GATEWAY_PORT" \
GATEWAY_SECRET="$SECRET" GATEWAY_PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" \
GATEWAY_ODOO_URL="http://127.0.0.1:$ODOO_PORT" \
    .venv/bin/python -m video_gateway &
GATEWAY_PID=$!
trap 'kill $GATEWAY_PID 2>/dev/null || true' EXIT INT TERM

cat <<EOF

  Dealer Lead Response is starting.
    Odoo (CRM > Lead Response):  http://127.0.0.1:$ODOO_PORT   login admin / admin
    Demo dealership "Automobiles Boréal Laval", password "demo" for each of:
      isabelle.morin@autoboreal.example   sales manager (dashboard, settings)
      marc.gagnon@autoboreal.example      salesperson (French)
      samuel.chen@autoboreal.example      salesperson (English)
      patrick.bouchard@autoboreal.example service advisor
    Video gateway:               http://127.0.0.1:$GATEWAY_PORT/healthz
    Inbound texts (Twilio webhook, once Twilio is configured and Odoo is public):
                                 http://127.0.0.1:$ODOO_PORT/dealer_lead/sms/inbound
  Ctrl-C stops both.

EOF
"${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" --http-interface 127.0.0.1 --http-port "$ODOO_PORT"
