#!/usr/bin/env bash
# Build (once, cached) tools/sdkgen, the aep SDK generator over Pulumi's codegen, and print the
# binary's absolute path as the LAST line of stdout. Progress goes to stderr.
# The cache key is a hash of the tool's sources, so an edit rebuilds it. Only the Go module proxy
# is contacted; the versions are tools/sdkgen/go.sum's (pulumi pkg v3.259.0, the CLI's).
set -euo pipefail
cd "$(dirname "$0")/../tools/sdkgen"
log() { printf 'ensure-sdkgen: %s\n' "$*" >&2; }
key="$(cat main.go go.mod go.sum | sha256sum | cut -c1-16)"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sandbox-provider/sdkgen"
BIN="$CACHE_ROOT/$key/aep-sdkgen"
if [ -x "$BIN" ]; then
    log "using cached build $BIN"
    echo "$BIN"
    exit 0
fi
command -v go >/dev/null 2>&1 || { log "ERROR: Go is needed to build tools/sdkgen"; exit 1; }
goproxy="$(go env GOPROXY)"
goproxy="${goproxy%,direct}"
export GOPROXY="$goproxy" GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly"
mkdir -p "$CACHE_ROOT/$key"
log "building tools/sdkgen (about 1.5 min with the Go build cache warm from the CLI build)"
go build -trimpath -o "$BIN.tmp" . >&2
mv "$BIN.tmp" "$BIN"
echo "$BIN"
