#!/usr/bin/env bash
# Run the product locally: Odoo 19 with dealer_lead_addon and its demo dealership, plus the
# video gateway. Every variable it reads is listed in the README ("Variables").
#   ODOO_PATH    folder holding odoo-bin (default /opt/odoo19)
#   ODOO_PYTHON  its python (default $ODOO_PATH/.venv/bin/python)
#   DEALER_DB    database name (default dealer_demo), created on first run without Odoo's own
#                demo data, then filled with the addon's demo dealership only
#   ODOO_PORT / GATEWAY_PORT   default 8069 / 8765
#   ODOO_DB_HOST / ODOO_DB_PORT / ODOO_DB_USER   PostgreSQL (default 127.0.0.1 / 5432 / $USER)
#   RUN_WAIT_SECONDS   how long to wait for Odoo and the gateway to answer (default 180)
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

# ---- already running? (a second `make run` says where, instead of failing on busy ports)
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
odoo_up() { curl -fsS --max-time 2 "http://127.0.0.1:$ODOO_PORT/web/health" >/dev/null 2>&1; }
gateway_up() { curl -fsS --max-time 2 "http://127.0.0.1:$GATEWAY_PORT/healthz" >/dev/null 2>&1; }
mkdir -p var
RUN_INFO="var/run-$ODOO_PORT.info"
if port_busy "$ODOO_PORT" || port_busy "$GATEWAY_PORT"; then
    if [ -s "$RUN_INFO" ] && odoo_up; then
        echo "Dealer Lead Response is already running: $(cat "$RUN_INFO")."
        echo "Open http://127.0.0.1:$ODOO_PORT (Ctrl-C in its terminal stops it)."
        exit 0
    fi
    for port in "$ODOO_PORT" "$GATEWAY_PORT"; do
        if port_busy "$port"; then
            echo "Port $port is used by another program. Choose free ports, for example:"
            echo "  ODOO_PORT=18069 GATEWAY_PORT=18765 make run"
        fi
    done
    exit 1
fi

bash scripts/setup_venv.sh
[ -s var/video_secret ] || "$ODOO_PYTHON" -c "import secrets; print(secrets.token_urlsafe(48))" > var/video_secret
SECRET=$(cat var/video_secret)
ODOO_BIN=("$ODOO_PYTHON" "$ODOO_PATH/odoo-bin")
ODOO_ARGS=(-d "$DEALER_DB" "${DB_ARGS[@]}" --addons-path "$ODOO_PATH/addons,$REPO")

if ! psql -h "${ODOO_DB_HOST:-127.0.0.1}" -p "${ODOO_DB_PORT:-5432}" \
        -U "${ODOO_DB_USER:-${USER:-root}}" -d postgres -Atc \
        "SELECT 1 FROM pg_database WHERE datname='$DEALER_DB'" | grep -q 1; then
    echo "Creating database $DEALER_DB with the addon (a minute or two)..."
    # without Odoo's own demo data: no furniture opportunities, no Website / Point of Sale teams
    "${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" -i dealer_lead_addon --without-demo True \
        --stop-after-init --log-level warn --no-http
fi
# Point the addon at the local gateway and the chosen port, then load the addon's demo
# dealership if not done yet (links written while it loads use this port). Idempotent.
"${ODOO_BIN[@]}" shell "${ODOO_ARGS[@]}" --log-level warn --no-http <<EOF >/dev/null
icp = env["ir.config_parameter"].sudo()
icp.set_param("dealer_lead_addon.video_gateway_url", "http://127.0.0.1:$GATEWAY_PORT")
icp.set_param("dealer_lead_addon.video_secret", "$SECRET")
icp.set_param("web.base.url", "http://127.0.0.1:$ODOO_PORT")
env.cr.commit()
env["ir.module.module"]._dealer_load_demo()
# no Twilio account: texts go to the SMS sandbox (CRM > Lead Response > SMS Sandbox)
env["dealer.sms.sandbox.message"]._dealer_enable_sandbox(env.company)
# demo logins: every demo user of the addon gets the password "demo"
demo = env["ir.model.data"].search([("module", "=", "dealer_lead_addon"), ("model", "=", "res.users")])
env["res.users"].browse(demo.mapped("res_id")).write({"password": "demo"})
env.cr.commit()
EOF

GATEWAY_ENV=development GATEWAY_HOST=127.0.0.1 GATEWAY_PORT="$GATEWAY_PORT" \
GATEWAY_SECRET="$SECRET" GATEWAY_PUBLIC_URL="http://127.0.0.1:$GATEWAY_PORT" \
GATEWAY_ODOO_URL="http://127.0.0.1:$ODOO_PORT" GATEWAY_STATE_DIR="$REPO/var/gateway-$GATEWAY_PORT" \
    .venv/bin/python -m video_gateway &
GATEWAY_PID=$!
"${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" --http-interface 127.0.0.1 --http-port "$ODOO_PORT" &
ODOO_PID=$!
trap 'kill $ODOO_PID $GATEWAY_PID 2>/dev/null || true; rm -f "$RUN_INFO"' EXIT INT TERM

# ---- the banner comes once both answer
waited=0
until odoo_up && gateway_up; do
    if ! kill -0 "$ODOO_PID" 2>/dev/null || ! kill -0 "$GATEWAY_PID" 2>/dev/null; then
        echo "Odoo or the video gateway stopped while starting: see the log above." >&2
        exit 1
    fi
    if [ "$waited" -ge "${RUN_WAIT_SECONDS:-180}" ]; then
        echo "Odoo or the video gateway did not answer within $waited s: see the log above." >&2
        exit 1
    fi
    sleep 1
    waited=$((waited + 1))
done
echo "database $DEALER_DB, Odoo http://127.0.0.1:$ODOO_PORT (pid $ODOO_PID), gateway" \
     "http://127.0.0.1:$GATEWAY_PORT (pid $GATEWAY_PID)" > "$RUN_INFO"

cat <<EOF

  Dealer Lead Response is running (database $DEALER_DB).
    Odoo (CRM > Lead Response):  http://127.0.0.1:$ODOO_PORT   login admin / admin (settings)
    Demo dealership "Automobiles Boréal Laval", password "demo" for each of:
      isabelle.morin@autoboreal.example   sales manager (dashboard, SLAs, routing, SMS sandbox)
      marc.gagnon@autoboreal.example      salesperson (French)
      julie.roy@autoboreal.example        salesperson (French, used-car AutoTrader leads)
      samuel.chen@autoboreal.example      salesperson (English)
      patrick.bouchard@autoboreal.example service advisor
    SMS sandbox (no text leaves Odoo: answer as the customer, try ARRÊT/STOP, AIDE/HELP):
      http://127.0.0.1:$ODOO_PORT/odoo/action-dealer_lead_addon.dealer_sms_sandbox_action
    Video gateway:               http://127.0.0.1:$GATEWAY_PORT/healthz
    Inbound texts (Twilio webhook, once Twilio is configured and Odoo is public):
                                 http://127.0.0.1:$ODOO_PORT/dealer_lead/sms/inbound
  Ctrl-C stops both.

EOF
wait "$ODOO_PID"
