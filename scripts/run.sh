#!/usr/bin/env bash
# Set up, load the demo catalog into the embedded store and serve on http://127.0.0.1:8000
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
.venv/bin/socialmap demo --accounts
exec .venv/bin/socialmap serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
