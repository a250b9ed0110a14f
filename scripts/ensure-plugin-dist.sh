#!/usr/bin/env bash
# Build (once, cached) the self-contained `aep` plugin for this machine's OS and CPU and print the
# directory holding its release archive and checksums file as the LAST line of stdout:
#
#   pulumi-resource-aep-v<version>-<os>-<arch>.tar.gz   the executable, its _internal/, README, LICENSE
#   pulumi-aep_<version>_checksums.txt                  `<sha256>  <archive>` (sha256sum's format)
#
# PyInstaller (the venv's, a dev dependency) freezes the plugin with the venv's interpreter into a
# one-folder build (tools/plugin-dist/pulumi-resource-aep.spec); tools/plugin-dist/release.py packs
# it. The build needs no network; the result runs on a machine with no Python. Progress on stderr.
#
# Two cache levels, each keyed by a hash of what it reads, so an edit redoes only what it affects:
#   frozen-<key>/  the one-folder build (about a minute): the package's sources, pyproject.toml and
#                  requirements.lock (the versions frozen in), the spec and entry, this script, the
#                  interpreter's version;
#   <key>/         the archive and checksums (seconds): that key, the README and LICENSE it carries
#                  and the packer.
#
# Environment:
#   XDG_CACHE_HOME / HOME   cache root (default ~/.cache/sandbox-provider/plugin-dist)
#   PLUGIN_DIST_PYTHON      the interpreter to build with (default: the repo's .venv/bin/python)
#   SOURCE_DATE_EPOCH       the archive members' time (default 0)
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
log() { printf 'ensure-plugin-dist: %s\n' "$*" >&2; }
die() {
    printf 'ensure-plugin-dist: ERROR: %s\n' "$*" >&2
    exit 1
}

PY="${PLUGIN_DIST_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || die "no interpreter at $PY: run \`make venv\` first"
"$PY" -c 'import PyInstaller' 2>/dev/null ||
    die "PyInstaller is not installed in $PY's environment: run \`make venv\` (it is in the dev extra)"

# sha256sum's lines name the files: a renamed module changes the key too.
frozen_key="$({
    find sandbox_provider -type f -name '*.py' | LC_ALL=C sort | xargs sha256sum
    sha256sum pyproject.toml requirements.lock tools/plugin-dist/entry.py \
        tools/plugin-dist/pulumi-resource-aep.spec
    cat "$SELF"
    "$PY" -c 'import platform, sys; print(sys.version, platform.machine())'
} | sha256sum | cut -c1-16)"
key="$({
    echo "$frozen_key"
    sha256sum README.md LICENSE tools/plugin-dist/release.py
    echo "${SOURCE_DATE_EPOCH:-0}"
} | sha256sum | cut -c1-16)"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sandbox-provider/plugin-dist"
DEST="$CACHE_ROOT/$key"
FROZEN="$CACHE_ROOT/frozen-$frozen_key"
if [ -f "$DEST/.complete" ]; then
    log "using cached build $DEST"
    echo "$DEST"
    exit 0
fi

mkdir -p "$CACHE_ROOT"
# One build at a time (two test workers may ask at once); the second finds the first's result.
exec 9>"$CACHE_ROOT/.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    log "another build holds $CACHE_ROOT/.lock; waiting for it"
    flock 9
fi
if [ -f "$DEST/.complete" ]; then
    echo "$DEST"
    exit 0
fi

staging="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
trap 'exit 130' INT TERM
START=$SECONDS

# serves EXE: the frozen plugin prints its port with nothing of ours around it (no PATH, no
# PYTHON* variables); the engine address is a closed port, which it doesn't need to start.
serves() {
    local out="$staging/serves.out" pid port=""
    env -i PATH=/nonexistent "$1" 127.0.0.1:1 >"$out" 2>"$staging/serves.err" &
    pid=$!
    for _ in $(seq 1 150); do
        port="$(head -n 1 "$out" 2>/dev/null || true)"
        case "$port" in '' | *[!0-9]*) port="" ;; *) break ;; esac
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -n "$port" ]
}

if [ -f "$FROZEN/.complete" ]; then
    log "using the cached one-folder build $FROZEN"
else
    log "freezing the plugin with PyInstaller (about a minute; log: $staging/pyinstaller.log)"
    # --clean: nothing of an earlier analysis is reused, only what the key covers. Run from the
    # staging directory: in the checkout, `python -m` would find its stale sandbox_provider.egg-info
    # (the current directory comes first on sys.path) before the installed package's metadata.
    if ! (cd "$staging" && PLUGIN_DIST_ROOT="$ROOT" "$PY" -m PyInstaller --noconfirm --clean \
        --log-level WARN --distpath "$staging/dist" --workpath "$staging/work" \
        "$ROOT/tools/plugin-dist/pulumi-resource-aep.spec") >"$staging/pyinstaller.log" 2>&1; then
        tail -n 40 "$staging/pyinstaller.log" >&2
        die "PyInstaller failed; see the output above"
    fi
    built="$staging/dist/pulumi-resource-aep"
    if ! serves "$built/pulumi-resource-aep"; then
        tail -n 20 "$staging/serves.err" >&2
        die "the frozen plugin did not print a port; see its stderr above"
    fi
    touch "$built/.complete"
    rm -rf "$FROZEN"
    mv "$built" "$FROZEN"
    log "frozen in $((SECONDS - START))s"
fi

mkdir -p "$staging/out"
# It prints the staging paths, which the rename below moves.
"$PY" tools/plugin-dist/release.py "$FROZEN" "$staging/out" >/dev/null
touch "$staging/out/.complete"
# A concurrent build (another checkout sharing the cache) that finished first is kept.
if [ ! -f "$DEST/.complete" ]; then
    rm -rf "$DEST"
    mv "$staging/out" "$DEST" 2>/dev/null || [ -f "$DEST/.complete" ]
fi
log "plugin archive ready in $DEST ($((SECONDS - START))s)"
echo "$DEST"
