#!/usr/bin/env bash
# The whole test suite on the real MicroPython unix port: ./tools/test.sh [pytest args]
# Three workers: most tests wait on simulated time, so they overlap well on two cores.
source "$(dirname "$0")/venv.sh"
exec python -m pytest -n 3 "$@"
