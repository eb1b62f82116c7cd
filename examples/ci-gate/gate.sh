#!/usr/bin/env bash
# CI gate on a saved Terraform plan. Writes the findings as SARIF, then fails (exit 1) when a
# control at or above FAIL_ON fails in the planned configuration.
#
#   terraform -chdir=infra plan -out=tfplan
#   terraform -chdir=infra show -json tfplan > plan.json
#   FAIL_ON=high ./gate.sh plan.json          # → secbaseline.sarif, exit 0 or 1
#
# Environment: FAIL_ON (default high), JUDGE (plan | live+plan, default plan),
# SARIF_OUT (default secbaseline.sarif in the current directory), TERRAFORM (default terraform), and the usual AWS
# credentials (the provider reads the caller identity, and the account for live+plan).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 <plan.json>" >&2; exit 2; }
plan_json="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -f "$plan_json" ] || { echo "gate: $1 not found" >&2; exit 2; }
tf="${TERRAFORM:-terraform}"
sarif_out="${SARIF_OUT:-secbaseline.sarif}"
case "$sarif_out" in /*) ;; *) sarif_out="$PWD/$sarif_out" ;; esac  # relative to the caller
vars=(-var "plan_json=$plan_json" -var "judge=${JUDGE:-plan}")

cd "$(dirname "${BASH_SOURCE[0]}")"
"$tf" init -input=false -no-color >/dev/null

# 1. Report: never fails on findings; records them for the SARIF upload and the summary.
"$tf" apply -input=false -auto-approve -no-color -compact-warnings "${vars[@]}" -var fail_on=none >/dev/null
"$tf" output -raw sarif > "$sarif_out"
echo "gate: findings by status: $("$tf" output -no-color -json summary)"

# 2. Gate: one error per failing control at or above FAIL_ON makes the plan (and this script) fail.
exec "$tf" plan -input=false -no-color -compact-warnings "${vars[@]}" -var "fail_on=${FAIL_ON:-high}"
