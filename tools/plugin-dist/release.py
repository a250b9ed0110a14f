"""Pack the one-folder build PyInstaller wrote into the release archive and its checksums file
(scripts/ensure-plugin-dist.sh runs it with the venv's interpreter):

    python tools/plugin-dist/release.py BUILD_DIR OUT_DIR

prints the archive's path, then the checksums file's. The version is the installed
sandbox_provider's, the one the frozen build read its metadata from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sandbox_provider import _version
from sandbox_provider.plugin.archive import ArchiveError, write_release

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir, out_dir = map(Path, argv)
    try:
        release = write_release(
            build_dir,
            out_dir,
            _version(),
            extra_files=[ROOT / "README.md", ROOT / "LICENSE"],
            # A release pipeline sets it to the tagged commit's time; the default is fixed.
            mtime=int(os.environ.get("SOURCE_DATE_EPOCH", "0")),
        )
    except ArchiveError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    print(release.archive)
    print(release.checksums)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
