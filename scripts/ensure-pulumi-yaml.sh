#!/usr/bin/env bash
# Ensure the Pulumi YAML language host (pulumi-language-yaml v1.30.0) and print the absolute path of
# the directory holding it as the LAST line of stdout. Progress goes to stderr.
#
#   1. a cached build (marker file present and the binary serves)  -> use it
#   2. otherwise `go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v1.30.0` from the
#      Go module proxy into the cache (about 4 min on one core, longer cold).
#
# v1.30.0: the newest the proxy serves (v1.26, v1.27, v1.29 and v1.31 are refused with 403), and
# v1.27 or newer implements the language host's `Link`, which `pulumi package add` needs for a
# YAML project. Its go.mod asks for Go 1.25 and pulumi pkg/sdk v3.224.0. Each version has its
# own cache directory, so a change of version builds beside the old one.
#
# The engine finds a language host on PATH or beside the `pulumi` binary: callers put the printed
# directory on PATH (tests do). It sits in its own directory, not beside our pulumi build, so that a
# `pulumi` taken from PATH (scripts/ensure-pulumi.sh, case 1) works with it too.
#
# Environment:
#   XDG_CACHE_HOME / HOME        cache root (default ~/.cache/sandbox-provider/pulumi-yaml)
#   PULUMI_BUILD_JOBS            go build -p (default: number of CPUs)
#   SANDBOX_PULUMI_FORCE_BUILD=1 rebuild even if cached
set -euo pipefail

YAML_VERSION="1.30.0"
MODULE="github.com/pulumi/pulumi-yaml"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sandbox-provider/pulumi-yaml"
DEST="$CACHE_ROOT/v$YAML_VERSION"
MARKER="$DEST/.complete"
MARKER_TEXT="pulumi-language-yaml v$YAML_VERSION"

log() { printf 'ensure-pulumi-yaml: %s\n' "$*" >&2; }
die() {
    printf 'ensure-pulumi-yaml: ERROR: %s\n' "$*" >&2
    exit 1
}

# serves BIN: the host prints the port it listens on as its first stdout line.
serves() {
    local out pid port=""
    out="$(mktemp)"
    "$1" 127.0.0.1:1 >"$out" 2>&1 &
    pid=$!
    for _ in $(seq 1 50); do
        port="$(head -n 1 "$out" 2>/dev/null || true)"
        case "$port" in '' | *[!0-9]*) port="" ;; *) break ;; esac
        sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$out"
    [ -n "$port" ]
}

cache_ok() {
    [ -f "$MARKER" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$MARKER_TEXT" ] &&
        [ -x "$DEST/pulumi-language-yaml" ]
}

main() {
if [ "${SANDBOX_PULUMI_FORCE_BUILD:-0}" != "1" ] && cache_ok; then
    log "using cached build in $DEST"
    echo "$DEST"
    exit 0
fi
command -v go >/dev/null 2>&1 ||
    die "no cached pulumi-language-yaml in $DEST and no Go toolchain to build it (install Go >= 1.25)"

mkdir -p "$CACHE_ROOT" || die "cannot create cache directory $CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    log "another build holds $CACHE_ROOT/.lock; waiting for it"
    flock 9
fi
if [ "${SANDBOX_PULUMI_FORCE_BUILD:-0}" != "1" ] && cache_ok; then
    echo "$DEST"
    exit 0
fi

# The module proxy only (no VCS fallback), and never another Go toolchain.
goproxy="$(go env GOPROXY)"
goproxy="${goproxy%,direct}"
goproxy="${goproxy%|direct}"
case "$goproxy" in
    '' | direct | off) die "GOPROXY is '$(go env GOPROXY)'; a Go module proxy is needed" ;;
esac
export GOPROXY="$goproxy" GOTOOLCHAIN=local GOFLAGS="-buildvcs=false"

rm -rf "$CACHE_ROOT"/.build.* 2>/dev/null || true
TMP="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")" || die "cannot create a temp dir in $CACHE_ROOT"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

JOBS="${PULUMI_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
START=$SECONDS
log "building $MODULE/cmd/pulumi-language-yaml@v$YAML_VERSION from $GOPROXY (log: $TMP/build.log)"
mkdir -p "$TMP/bin"
# `go install pkg@version` builds with the module's own go.mod and go.sum (the versions it was
# released with), outside any module of ours.
if ! (cd "$TMP" && GOBIN="$TMP/bin" go install -p "$JOBS" -trimpath \
    "$MODULE/cmd/pulumi-language-yaml@v$YAML_VERSION") >"$TMP/build.log" 2>&1; then
    tail -n 40 "$TMP/build.log" >&2
    die "go install of pulumi-language-yaml v$YAML_VERSION failed; see the output above"
fi
serves "$TMP/bin/pulumi-language-yaml" || die "the built pulumi-language-yaml did not start"
echo "$MARKER_TEXT" >"$TMP/bin/.complete"
if [ -e "$DEST" ]; then
    mv "$DEST" "$TMP/old"
fi
mv "$TMP/bin" "$DEST" || die "could not move the build into $DEST"
log "pulumi-language-yaml v$YAML_VERSION ready in $DEST ($((SECONDS - START))s)"
echo "$DEST"
}

main "$@"
