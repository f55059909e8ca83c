#!/usr/bin/env bash
# Benchmarks, built-in asyncio beside fast_io as ratios: ./tools/bench.sh [NAME ...]
source "$(dirname "$0")/venv.sh"
exec python benchmarks/run.py "$@"
