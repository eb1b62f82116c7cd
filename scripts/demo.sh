#!/usr/bin/env bash
# The demo: start the local AWS emulator, run `terraform init && terraform apply` on
# examples/demo with the freshly built provider, print the result, stop the emulator.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERRAFORM="${TERRAFORM:-terraform}"
BIN="$ROOT/target/debug/terraform-provider-secbaseline"
VERSION=0.1.0
command -v "$TERRAFORM" >/dev/null || { echo "demo: '$TERRAFORM' not found; install Terraform >= 1.8 or set TERRAFORM=/path/to/terraform" >&2; exit 1; }
[ -x "$BIN" ] || { echo "demo: $BIN missing; run: cargo build" >&2; exit 1; }
[ -x "$ROOT/.venv/bin/python" ] || { echo "demo: .venv missing; run: bash scripts/ensure-venv.sh" >&2; exit 1; }

WORK="$(mktemp -d)"
EMULATOR_PID=""
cleanup() {
    [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# 1. The emulator, on a free loopback port.
"$ROOT/.venv/bin/python" "$ROOT/tools/emulator/launcher.py" --port 0 > "$WORK/emulator.out" 2> "$WORK/emulator.log" &
EMULATOR_PID=$!
for _ in $(seq 1 300); do
    grep -q '^READY ' "$WORK/emulator.out" 2>/dev/null && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$WORK/emulator.log" >&2; echo "demo: the emulator exited" >&2; exit 1; }
    sleep 0.1
done
ENDPOINT="$(sed -n 's/^READY //p' "$WORK/emulator.out")"
[ -n "$ENDPOINT" ] || { echo "demo: the emulator did not become ready" >&2; exit 1; }
export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
       AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
echo "== local AWS emulator at $ENDPOINT"

# 2. The provider in a filesystem mirror, so `terraform init` works as it would for a user.
MIRROR="$WORK/mirror/registry.terraform.io/secbaseline/secbaseline/$VERSION/linux_amd64"
mkdir -p "$MIRROR"
cp "$BIN" "$MIRROR/terraform-provider-secbaseline_v$VERSION"
cat > "$WORK/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$WORK/mirror"
    include = ["registry.terraform.io/secbaseline/secbaseline"]
  }
  direct {
    exclude = ["registry.terraform.io/secbaseline/secbaseline"]
  }
}
CFG
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cp -r "$ROOT/examples/demo" "$WORK/demo"
cd "$WORK/demo"

# 3. Optional seed of an insecure starting point (the assess → fix → assess loop).
if [ -f seed.py ]; then
    echo "== seeding the emulator account ($(head -1 seed.py | sed 's/^# *//'))"
    "$ROOT/.venv/bin/python" seed.py
fi

if [ -x run.sh ]; then
    TERRAFORM="$TERRAFORM" ./run.sh
else
    "$TERRAFORM" init -input=false -no-color >/dev/null
    "$TERRAFORM" apply -input=false -auto-approve -no-color
fi
