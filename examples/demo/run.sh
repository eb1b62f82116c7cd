#!/usr/bin/env bash
# assess → apply the baseline → assess again, then print a before/after table.
set -euo pipefail
TERRAFORM="${TERRAFORM:-terraform}"
PY="${DEMO_PYTHON:-python3}"

"$TERRAFORM" init -input=false -no-color >/dev/null
echo "== account: $("$TERRAFORM" apply -input=false -auto-approve -no-color -target=data.secbaseline_account.current >/dev/null && "$TERRAFORM" output -raw account_id)"

echo "== 1. assess the account as it is"
"$TERRAFORM" apply -input=false -auto-approve -no-color -compact-warnings >/dev/null
"$TERRAFORM" output -json findings > before.json

echo "== 2. apply the baseline (secbaseline_cloudtrail + secbaseline_config_rules + secbaseline_alarms)"
"$TERRAFORM" apply -input=false -auto-approve -no-color -compact-warnings -var apply_baseline=true | grep -E '^(Apply complete|module\.baseline.*Creation complete)' || true
"$TERRAFORM" output -json findings > after.json

echo "== 3. before / after"
"$PY" table.py before.json after.json
