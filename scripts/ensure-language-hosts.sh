#!/usr/bin/env bash
# Build (once, cached) our own Pulumi language hosts for Go and Node.js programs (tools/langhosts:
# pulumi-language-go, pulumi-language-nodejs) and print the directory holding them as the LAST line
# of stdout; put it on the engine's PATH. Progress goes to stderr.
# Why our own: the Go module proxy serves neither upstream host's module (docs/pulumi-engine.md).
# The cache key is a hash of the hosts' sources, so an edit rebuilds them. Only the Go module proxy
# is contacted; the versions are tools/langhosts/go.sum's (pulumi sdk v3.259.0, the CLI's).
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../tools/langhosts"
log() { printf 'ensure-language-hosts: %s\n' "$*" >&2; }
HOSTS="pulumi-language-go pulumi-language-nodejs"
# This script is part of the key too: its build flags shape the binaries.
key="$({ find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort |
    xargs cat; cat "$SELF"; } | sha256sum | cut -c1-16)"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:?neither XDG_CACHE_HOME nor HOME is set}/.cache}/sandbox-provider/langhosts"
DEST="$CACHE_ROOT/$key"
if [ -f "$DEST/.complete" ]; then
    log "using cached build $DEST"
    echo "$DEST"
    exit 0
fi
command -v go >/dev/null 2>&1 || { log "ERROR: Go is needed to build tools/langhosts"; exit 1; }
goproxy="$(go env GOPROXY)"
goproxy="${goproxy%,direct}"
goproxy="${goproxy%|direct}"
case "$goproxy" in
    '' | direct | off) log "ERROR: GOPROXY is '$(go env GOPROXY)'; a Go module proxy is needed"; exit 1 ;;
esac
export GOPROXY="$goproxy" GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly"
# A build dir of our own: concurrent callers never see a half-written one, the last rename wins.
mkdir -p "$CACHE_ROOT"
staging="$(mktemp -d "$CACHE_ROOT/.build.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
log "building $HOSTS (under a minute with the Go build cache warm from the CLI build)"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.259.0"
go build -trimpath -ldflags "$LDFLAGS" -o "$staging/" ./cmd/... >&2
for h in $HOSTS; do [ -x "$staging/$h" ] || { log "ERROR: $h was not built"; exit 1; }; done
touch "$staging/.complete"
# A concurrent build that finished first is kept (a caller may be running its binaries).
if [ ! -f "$DEST/.complete" ]; then
    rm -rf "$DEST"
    mv "$staging" "$DEST" 2>/dev/null || [ -f "$DEST/.complete" ]
fi
log "language hosts ready in $DEST"
echo "$DEST"
