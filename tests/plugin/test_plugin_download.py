"""The engine fetches the `aep` plugin by itself: a YAML and a TypeScript program run `pulumi up`
into an empty PULUMI_HOME, with no plugin installed, none on PATH and no Python on PATH. The
release archive (`make plugin-dist`) is served from `dist/` by an HTTP server on 127.0.0.1,
and the engine's download-URL override (`PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES`) sends the
schema's `pluginDownloadURL` (the GitHub releases a real release publishes to) there.

The TypeScript program names no download location: the generated SDK carries the schema's
`pluginDownloadURL` into every resource it registers. The YAML program has no SDK, so it says
where the plugin comes from in its resources' options, as docs/installation-configuration.md
tells YAML users to.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support.dist import PluginDist
from support.engine import e2e_world

from sandbox_provider.plugin.archive import EXECUTABLE, INTERNAL
from sandbox_provider.plugin.schema import PLUGIN_DOWNLOAD_URL
from sandbox_provider.testing import World

from .test_plugin_dist import yaml_program
from .test_plugin_sdks import node_modules, tool
from .test_plugin_ts_go import ts_project, up_noop_destroy
from .test_plugin_yaml import yaml_host_dir

pytestmark = pytest.mark.e2e


@dataclass
class Releases:
    """A release location served from a directory: its URL and the paths asked for."""

    url: str
    fetched: list[str] = field(default_factory=list)


@contextmanager
def serve(directory: Path) -> Iterator[Releases]:
    """`directory` over HTTP on 127.0.0.1 (a free port) until the block ends."""
    releases = Releases(url="")

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

        def do_GET(self) -> None:
            releases.fetched.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    releases.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield releases
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def no_python_path(tmp: Path, world: World, *dirs: Path, node: bool = False) -> str:
    """A PATH of the engine's directory, `dirs` and (with `node`) a directory holding only a
    link to `node` (its own directory, /usr/bin, also holds python3)."""
    entries = [str(Path(world.stack.pulumi).resolve().parent), *map(str, dirs)]
    if node:
        only_node = tmp / "node-bin"
        only_node.mkdir()
        (only_node / "node").symlink_to(tool("node"))
        entries.append(str(only_node))
    path = os.pathsep.join(entries)
    for python in ("python", "python3", EXECUTABLE):
        assert shutil.which(python, path=path) is None, f"{python} is on {path}"
    return path


def fetching(world: World, releases: Releases, path: str) -> None:
    """The stack's engine: an empty plugin cache, automatic plugin acquisition on (the stack
    helper turns it off), the release location redirected to `releases`. (Not
    PULUMI_IGNORE_AMBIENT_PLUGINS: it hides the language hosts on PATH too; `path` has no
    `pulumi-resource-aep`.)"""
    pattern = "^" + re.escape(PLUGIN_DOWNLOAD_URL)
    world.stack.extra_env.update(
        {
            "PATH": path,
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "false",
            "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": f"{pattern}={releases.url}",
        }
    )
    home = Path(world.stack.env()["PULUMI_HOME"])
    assert not (home / "plugins").exists() or not any((home / "plugins").iterdir())


def fetched_and_ran(world: World, dist: PluginDist, releases: Releases, name: str) -> None:
    """`pulumi up` fetches the archive, unpacks the self-contained build into the plugin cache
    and runs it; the no-change preview and destroy run on the cached plugin, with no second
    download."""
    up_noop_destroy(world, name)
    assert releases.fetched.count(f"/{dist.archive.name}") == 1, releases.fetched
    home = Path(world.stack.env()["PULUMI_HOME"])
    plugin_dir = home / "plugins" / f"resource-aep-v{dist.version}"
    assert (plugin_dir / EXECUTABLE).is_file()
    assert (plugin_dir / INTERNAL).is_dir(), sorted(p.name for p in plugin_dir.iterdir())


@pytest.mark.timeout(1200)
def test_a_yaml_program_fetches_the_plugin(
    tmp_path: Path, pulumi_bin: str, plugin_dist: PluginDist
) -> None:
    host = yaml_host_dir()
    with (
        serve(plugin_dist.archive.parent) as releases,
        e2e_world(tmp_path / "w", pulumi_bin) as world,
    ):
        (world.project_dir / "Pulumi.yaml").write_text(
            yaml_program(
                "yaml-pkg",
                {"version": plugin_dist.version, "pluginDownloadURL": PLUGIN_DOWNLOAD_URL},
            )
        )
        (world.project_dir / "__main__.py").unlink(missing_ok=True)
        fetching(world, releases, no_python_path(tmp_path, world, host))
        fetched_and_ran(world, plugin_dist, releases, "yaml-pkg")


@pytest.mark.timeout(1200)
def test_a_typescript_program_fetches_the_plugin(
    tmp_path: Path,
    pulumi_bin: str,
    plugin_dist: PluginDist,
    lang_hosts: Path,
    built_nodejs_sdk: Path,
) -> None:
    modules = node_modules()
    with (
        serve(plugin_dist.archive.parent) as releases,
        e2e_world(tmp_path / "w", pulumi_bin) as world,
    ):
        (world.project_dir / "Pulumi.yaml").write_text("name: e2e\nruntime: nodejs\n")
        (world.project_dir / "__main__.py").unlink(missing_ok=True)
        ts_project(world.project_dir, modules, built_nodejs_sdk)
        path = no_python_path(tmp_path, world, lang_hosts, node=True)
        fetching(world, releases, path)
        fetched_and_ran(world, plugin_dist, releases, "ts-pkg")
