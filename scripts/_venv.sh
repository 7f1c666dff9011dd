# Shared by scripts/test.sh, scripts/run.sh and .ci/run: make sure the repo's
# .venv exists and has the project installed (editable) with the wanted extras.
#
#   source scripts/_venv.sh
#   ensure_venv            # pip install -e .
#   ensure_venv test       # pip install -e '.[test]'
#   ensure_venv build      # pip install -e '.[build]'
#
# Every install is pinned by constraints.txt (exact versions). Sets ROOT (the repo
# root) and VENV (ROOT/.venv). A stamp file per extra, keyed on the sha256 of
# pyproject.toml, constraints.txt and the venv's Python, makes a second
# run skip pip entirely. PYTHON=/path/to/python3.x picks the interpreter used
# to create the venv; otherwise the first of python3.13, python3.12,
# python3.11, python3 that is 3.11 or newer.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1

_py_ok() {  # is "$1" a Python 3.11+ that can make a venv?
    "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

find_python() {
    if [ -n "${PYTHON:-}" ]; then
        _py_ok "$PYTHON" && { echo "$PYTHON"; return 0; }
        echo "PYTHON=$PYTHON is not a Python 3.11+ with venv and ensurepip" >&2
        return 1
    fi
    local cand
    for cand in python3.13 python3.12 python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 && _py_ok "$cand"; then
            command -v "$cand"
            return 0
        fi
    done
    echo "Python 3.11+ with the venv module is needed (Debian/Ubuntu: apt-get install python3 python3-venv)." >&2
    return 1
}

_stamp_key() {
    {
        sha256sum "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | cut -d' ' -f1
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
    } | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    local extra="${1:-}" spec="." stamp_name="base"
    if [ -n "$extra" ]; then
        spec=".[$extra]"
        stamp_name="$extra"
    fi

    mkdir -p "$VENV"
    # Several shells (or engineers) may run this at once: one installs, the others wait.
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$VENV/.install.lock"
        flock 8
    fi

    # No venv yet, or one whose interpreter is gone or too old: (re)create it.
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        local py
        py="$(find_python)" || return 1
        echo "==> creating $VENV with $py ($("$py" --version 2>&1))" >&2
        rm -f "$VENV"/.kaoping-installed-*
        "$py" -m venv --clear "$VENV"
        if command -v flock >/dev/null 2>&1; then  # --clear removed the lock file
            exec 8>"$VENV/.install.lock"
            flock 8
        fi
    fi

    local key stamp="$VENV/.kaoping-installed-$stamp_name"
    key="$(_stamp_key)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
        _venv_unlock
        return 0
    fi

    echo "==> pip install -e '$spec' into $VENV" >&2
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e "$spec")
    echo "$key" >"$stamp"
    # The extras include the base install.
    echo "$key" >"$VENV/.kaoping-installed-base"
    _venv_unlock
}

_venv_unlock() {
    if command -v flock >/dev/null 2>&1; then
        flock -u 8
        exec 8>&-
    fi
}
