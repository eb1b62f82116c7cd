#!/usr/bin/env bash
# Idempotent set-up of the tools the integration tests need:
#   - .venv/ in the repo root with the pinned moto[server] (the AWS emulator) and boto3,
#   - protoc (tonic-prost-build needs it to compile proto/).
# The second run costs a stamp-file check and nothing else, so tests and CI can call it freely.
set -euo pipefail

MOTO_VERSION="5.2.5"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.secbaseline-moto-$MOTO_VERSION"

die() { echo "ensure-venv: $*" >&2; exit 1; }

# --- protoc --------------------------------------------------------------------------------
if ! command -v protoc >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "ensure-venv: protoc missing; installing Debian protobuf-compiler" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
    fi
    command -v protoc >/dev/null 2>&1 \
        || die "protoc not found; install it with: apt-get update && apt-get install -y protobuf-compiler"
fi

# --- python venv with moto ----------------------------------------------------------------
# Fast path: stamp written by a complete install of this exact version, and moto still there.
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] \
    && compgen -G "$VENV/lib/python3*/site-packages/moto-$MOTO_VERSION.dist-info" >/dev/null; then
    exit 0
fi

PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 \
    || die "python3 not found; install it with: apt-get update && apt-get install -y python3 python3-venv"

if [ ! -x "$VENV/bin/python" ]; then
    # Debian splits venv/ensurepip out of python3; detect that before creating a broken venv.
    if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        pyver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        die "'$PY -m venv' is unavailable (no venv/ensurepip module); install it with: apt-get update && apt-get install -y python3-venv (or python${pyver}-venv)"
    fi
    rm -rf "$VENV"
    "$PY" -m venv "$VENV" || die "'$PY -m venv $VENV' failed; on Debian install: apt-get install -y python3-venv"
fi

installed="$("$VENV/bin/python" -m pip show moto 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$MOTO_VERSION" ] || ! "$VENV/bin/python" -c 'import boto3, flask, werkzeug' >/dev/null 2>&1; then
    echo "ensure-venv: installing moto[server]==$MOTO_VERSION into $VENV (found: ${installed:-none})" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" \
        || die "pip install failed; retry with: $VENV/bin/python -m pip install 'moto[server]==$MOTO_VERSION'"
fi
rm -f "$VENV"/.secbaseline-moto-*
touch "$STAMP"
echo "ensure-venv: $VENV ready (moto $MOTO_VERSION)" >&2
