#!/usr/bin/env bash
# Set up and run the whole test suite. The PostGIS tests use the PostgreSQL server on
# 127.0.0.1:5432 (SOCIALMAP_TEST_PG to change it) with a fresh database per run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
apt_install postgresql-15-postgis-3 chromium   # PostGIS for the store tests, chromium for the browser tests
exec .venv/bin/python -m pytest -q "$@"
