#!/usr/bin/env bash
# Export the addon's translatable terms to dealer_lead_addon/i18n/dealer_lead_addon.pot and merge
# them into fr.po (new terms appear untranslated; tests/test_translations.py then fails until
# they are translated).
set -euo pipefail
cd "$(dirname "$0")/.."
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
ODOO_PYTHON="${ODOO_PYTHON:-$ODOO_PATH/.venv/bin/python}"
db="dealer_i18n_$$"
args=(-d "$db" --db_host 127.0.0.1 --db_user "${USER:-root}" --data-dir /tmp/dealer-i18n-data
      --addons-path "$ODOO_PATH/addons,$(pwd)" --http-interface 127.0.0.1 --log-level warn
      --stop-after-init)
trap 'dropdb --if-exists -h 127.0.0.1 "$db" >/dev/null 2>&1 || true' EXIT
"$ODOO_PYTHON" "$ODOO_PATH/odoo-bin" "${args[@]}" -i dealer_lead_addon
pot=dealer_lead_addon/i18n/dealer_lead_addon.pot
conf=$(mktemp)
cat > "$conf" <<CONF
[options]
db_host = 127.0.0.1
db_user = ${USER:-root}
data_dir = /tmp/dealer-i18n-data
addons_path = $ODOO_PATH/addons,$(pwd)
CONF
"$ODOO_PYTHON" "$ODOO_PATH/odoo-bin" i18n export -c "$conf" -d "$db" -l pot -o "$pot" dealer_lead_addon
rm -f "$conf"
po=dealer_lead_addon/i18n/fr.po
if [ -f "$po" ]; then
    msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$po" "$pot"
else
    msginit --no-translator --no-wrap --locale=fr --input="$pot" --output-file="$po"
fi
echo "untranslated: $(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid' || true)"
