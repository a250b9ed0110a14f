"""`sandbox-provider generate`: read an existing org and write a Pulumi program that adopts
what it holds.

- `discover.py` reads the org through the client into plain records;
- `plan.py` decides what is declared (and how the declarations refer to each other) and what
  is left out, and why;
- `naming.py` gives each declaration a name a person would keep;
- `pyformat.py` and `render.py` write `Pulumi.yaml`, `__main__.py` and `README.md`;
- `progress.py` shows the listings' progress on stderr (rich, loaded by this command only).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .discover import FoundOrg, discover
from .naming import slug
from .plan import Plan, make_plan
from .progress import progress_listing
from .render import FILES, write

if TYPE_CHECKING:
    from sandbox_provider.client import ClientSettings

__all__ = ["FILES", "FoundOrg", "Plan", "default_virtualenv", "generate", "make_plan"]


def default_virtualenv() -> str | None:
    """The virtualenv this command runs from (it has sandbox_provider and pulumi), or None
    outside one."""
    return sys.prefix if sys.prefix != sys.base_prefix else None


def generate(
    settings: ClientSettings,
    out_dir: Path,
    *,
    sandboxes: Sequence[str] = (),
    project: str | None = None,
    virtualenv: str | None = None,
    show_progress: bool = True,
) -> tuple[Plan, list[Path]]:
    """Read the org `settings` reach and write the project into `out_dir`."""
    from sandbox_provider.client import ExImClient

    with ExImClient.from_settings(settings) as client, progress_listing(show_progress) as listing:
        found = discover(client, settings.org_id, sandboxes, listing)
    plan = make_plan(found)
    name = project or slug(out_dir.resolve().name, "aep-sandbox-tooling")
    public = {
        "platform_url": settings.platform_url,
        "ims_url": settings.ims_url,
        "org_id": settings.org_id,
    }
    if settings.sandbox:
        public["sandbox"] = settings.sandbox
    paths = write(out_dir, plan, project=name, virtualenv=virtualenv, settings=public)
    return plan, paths
