#!/usr/bin/env bash
# Regenerate the aep SDKs (Python, Node.js, Go) from the plugin's schema into OUT_DIR (default:
# sdk/ of this repository), replacing OUT_DIR/{python,nodejs,go} and OUT_DIR/schema.json.
# Without OUT_DIR it also rewrites docs/plugin-reference.md (rendered from the same schema by
# `python -m sandbox_provider.plugin.reference`); a run into another directory (the e2e drift
# check) leaves the repository's docs alone.
#
#   bash scripts/gen-sdk.sh [OUT_DIR]
#
# The schema is `sandbox_provider.plugin.schema.schema_json(<package version>)`, the one the
# plugin serves; the generator is tools/sdkgen (Pulumi's own codegen, pkg v3.259.0), built and
# cached by scripts/ensure-sdkgen.sh. The e2e tier (tests/plugin/test_plugin_sdks.py) runs this into
# a temporary directory and compares it with the committed sdk/: rerun it after a change to the
# schema (a resource's inputs, the language section, the package version) and commit sdk/.
#
# Environment: PYTHON (default .venv/bin/python, where sandbox_provider is installed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${1:-$ROOT/sdk}"
REFERENCE="${1:+}"
[ -n "${1:-}" ] || REFERENCE="$ROOT/docs/plugin-reference.md"
log() { printf 'gen-sdk: %s\n' "$*" >&2; }
die() {
    printf 'gen-sdk: ERROR: %s\n' "$*" >&2
    exit 1
}

GEN="$(bash "$ROOT/scripts/ensure-sdkgen.sh" | tail -n 1)"
[ -n "$GEN" ] && [ -x "$GEN" ] || die "scripts/ensure-sdkgen.sh gave no generator"

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# The Go module path comes from the schema's language section (one source); codegen writes no
# go.mod unless the schema is a "support pack", so this script writes it.
"$PY" - "$TMP" <<'EOF'
import json
import sys
from pathlib import Path

from sandbox_provider import _version
from sandbox_provider.plugin.schema import GO_MODULE, schema

out = Path(sys.argv[1])
doc = schema(_version())
(out / "schema.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
(out / "go-module").write_text(GO_MODULE)
EOF

"$GEN" "$TMP/schema.json" "$TMP/out" python nodejs go >&2
# The versions the Go SDK's code imports; a program's own go.mod decides the final ones (MVS).
cat >"$TMP/out/go/go.mod" <<EOF
module $(cat "$TMP/go-module")

go 1.25

require (
	github.com/blang/semver v3.5.1+incompatible
	github.com/pulumi/pulumi/sdk/v3 v3.259.0
)
EOF

for lang in python nodejs go; do
    rm -rf "${OUT:?}/$lang"
    mv "$TMP/out/$lang" "$OUT/$lang"
done
mv "$TMP/schema.json" "$OUT/schema.json"
log "wrote $OUT/{python,nodejs,go,schema.json}"
if [ -n "$REFERENCE" ]; then
    "$PY" -m sandbox_provider.plugin.reference "$REFERENCE"
fi
