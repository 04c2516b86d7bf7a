#!/usr/bin/env bash
# Refresh the README's screenshots (docs/screenshots/): the browser tests, saving their pictures there.
# A plain test run saves them in .cache/screenshots/ instead, so that it never changes a tracked file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SOCIALMAP_SCREENSHOTS="$PWD/docs/screenshots" exec .venv/bin/python -m pytest -q tests/e2e "$@"
