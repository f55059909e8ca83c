#!/usr/bin/env bash
# The whole test suite on the real MicroPython unix port: ./tools/test.sh [pytest args]
source "$(dirname "$0")/venv.sh"
exec python -m pytest "$@"
