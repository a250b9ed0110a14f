"""What the Pulumi Registry reads is there and agrees with itself: the schema's metadata
(`sandbox_provider.plugin.schema`, the one source), the download URL the committed SDKs carry,
and the front matter and install commands of docs/_index.md and
docs/installation-configuration.md (their generated part current at this version)."""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from sandbox_provider import __version__, docs_pages
from sandbox_provider.plugin.schema import (
    GO_MODULE,
    LANGUAGE,
    PACKAGE,
    PLUGIN_DOWNLOAD_URL,
    schema,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SDK = ROOT / "sdk"
METADATA_KEYS = (
    "publisher",
    "repository",
    "homepage",
    "license",
    "keywords",
    "logoUrl",
    "pluginDownloadURL",
)


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return schema(__version__)


def owner_and_name(repository: str) -> str:
    parts = urlsplit(repository)
    assert (parts.scheme, parts.netloc) == ("https", "github.com"), repository
    path = parts.path.strip("/")
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", path), repository
    return path


def test_the_schema_carries_every_registry_key(doc: dict[str, Any]) -> None:
    missing = [k for k in METADATA_KEYS if not doc.get(k)]
    assert missing == []
    repo = owner_and_name(doc["repository"])
    # The Go SDK is a module of this same repository.
    assert f"github.com/{repo}/sdk/go" == GO_MODULE
    assert LANGUAGE["go"]["importBasePath"].startswith(f"{GO_MODULE}/")
    assert doc["publisher"] == repo.split("/")[0]
    assert urlsplit(doc["homepage"]).scheme == "https"
    keywords = doc["keywords"]
    assert {"pulumi", PACKAGE, "kind/native"} <= set(keywords), keywords
    assert any(k.startswith("category/") for k in keywords), keywords


def test_the_license_is_pyprojects() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert schema(__version__)["license"] == project["license"]


def test_the_download_url_is_this_repositorys_releases(doc: dict[str, Any]) -> None:
    url = doc["pluginDownloadURL"]
    assert url == PLUGIN_DOWNLOAD_URL
    parts = urlsplit(url)
    assert parts.scheme in ("github", "https"), url
    if parts.scheme == "github":
        # github://api.github.com/OWNER/NAME: the release assets of that repository.
        assert parts.netloc == "api.github.com", url
        assert parts.path.strip("/") == owner_and_name(doc["repository"])


def test_the_logo_is_a_file_of_the_repository(doc: dict[str, Any]) -> None:
    parts = urlsplit(doc["logoUrl"])
    assert (parts.scheme, parts.netloc) == ("https", "raw.githubusercontent.com"), parts
    repo = owner_and_name(doc["repository"])
    prefix = f"/{repo}/"
    assert parts.path.startswith(prefix), parts.path
    _branch, _, path = parts.path.removeprefix(prefix).partition("/")
    logo = ROOT / path
    assert logo.is_file(), f"{path} is missing"
    assert ET.parse(logo).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_the_committed_sdks_carry_the_same_download_url() -> None:
    # The e2e tier regenerates sdk/ and compares; this catches a schema change without
    # `make sdk` in the fast tier.
    found = {
        "python": json.loads((SDK / "python" / "pulumi_aep" / "pulumi-plugin.json").read_text()),
        "go": json.loads((SDK / "go" / PACKAGE / "pulumi-plugin.json").read_text()),
        "nodejs": json.loads((SDK / "nodejs" / "package.json").read_text())["pulumi"],
    }
    for language, plugin in found.items():
        assert plugin == {
            "resource": True,
            "name": PACKAGE,
            "version": __version__,
            "server": PLUGIN_DOWNLOAD_URL,
        }, language
    package = json.loads((SDK / "nodejs" / "package.json").read_text())
    doc = schema(__version__)
    assert (package["license"], package["repository"]) == (doc["license"], doc["repository"])


def front_matter(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    found = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert found, f"{page.name} has no front matter"
    data = yaml.safe_load(found[1])
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("page", ["_index.md", "installation-configuration.md"])
def test_the_pages_have_the_registrys_front_matter(page: str) -> None:
    data = front_matter(DOCS / page)
    assert data["layout"] == "package"
    assert isinstance(data["title"], str) and data["title"].strip()
    # The Registry shows meta_desc as the page's description in search results.
    assert isinstance(data["meta_desc"], str) and 20 <= len(data["meta_desc"]) <= 200


def test_the_install_commands_name_this_version() -> None:
    text = " ".join((DOCS / "installation-configuration.md").read_text(encoding="utf-8").split())
    v = __version__
    plugin = f"pulumi-resource-{PACKAGE}"
    for command in (
        f"npm install {LANGUAGE['nodejs']['packageName']}@{v}",
        f"pip install {LANGUAGE['python']['packageName']}=={v}",
        f"pip install sandbox_provider=={v}",
        f"go get {LANGUAGE['go']['importBasePath']}@v{v}",
        f"pulumi plugin install resource {PACKAGE} {v} --server {PLUGIN_DOWNLOAD_URL}",
        f"pulumi plugin install resource {PACKAGE} {v} --file {plugin}-v{v}-",
        f"pulumi package add {PACKAGE}",
        f"{plugin}-v{v}-<os>-<arch>.tar.gz",
    ):
        assert command in text, command
    index = (DOCS / "_index.md").read_text(encoding="utf-8")
    assert "pluginDownloadURL" in index
    assert "(installation-configuration.md#installation)" in index


def test_the_install_part_is_current_and_follows_the_version() -> None:
    page = (DOCS / "installation-configuration.md").read_text(encoding="utf-8")
    parts: dict[str, Callable[[], str]] = {"install": docs_pages.install_commands}
    assert docs_pages.render(page, parts) == page, "run `make docs`"
    other = docs_pages.install_commands("9.8.7")
    assert "pulumi plugin install resource aep 9.8.7 --file" in other
    assert __version__ not in other
