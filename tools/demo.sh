#!/usr/bin/env bash
# The main job: build the index, serve it on 127.0.0.1, install uasyncio-fast-io with the
# on-device mip into the MicroPython unix port, and run a short demo on it.
source "$(dirname "$0")/venv.sh"
exec python tools/demo.py "$@"
