"""The SDKs generated from the plugin's schema (sdk/, written by scripts/gen-sdk.sh):

- the committed sdk/ is byte for byte what the schema generates now (drift check);
- the Python SDK (`pulumi_aep`) runs a program through the real CLI on the plugin;
- the Node.js SDK type-checks with `tsc` against @pulumi/pulumi 3.259.0, and so does a program
  using it (while a wrong input type is refused);
- the Go SDK builds in a module requiring github.com/pulumi/pulumi/sdk/v3 v3.259.0.

A TypeScript and a Go program run on these SDKs in test_plugin_ts_go.py, through our own
language hosts (the module proxy serves neither upstream one: docs/pulumi-engine.md). The
tools these tests need but the venv lacks (the generator, npm packages, Go modules) come from
the registries once and are cached under ~/.cache/sandbox-provider/; a missing tool skips,
which under CI=true is a failure.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from support.engine import ROOT, e2e_world

from sandbox_provider import __version__
from sandbox_provider.plugin.schema import GO_MODULE, LANGUAGE, PLUGIN_DOWNLOAD_URL
from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, on_plugin

pytestmark = pytest.mark.e2e

SDK = ROOT / "sdk"
#: What scripts/gen-sdk.sh writes under its output directory (sdk/ruff.toml is ours).
GENERATED = ("python", "nodejs", "go", "schema.json")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sandbox-provider"
#: The engine and SDK version everything here is pinned to (scripts/ensure-pulumi.sh).
PULUMI_VERSION = "3.259.0"


def run(cmd: list[str | Path], cwd: Path | None = None, timeout: float = 600, **env: str) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"`{name}` is not on PATH")
    return found


#: What a build or an import leaves beside generated files (the SDKs' .gitignore lists them).
LEFTOVERS = {"__pycache__", "node_modules", "build", "dist", "bin"}


def files(root: Path) -> dict[str, bytes]:
    """Relative path -> content of every generated file under `root`."""
    out: dict[str, bytes] = {}
    for top in GENERATED:
        base = root / top
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for p in paths:
            parts = p.relative_to(base).parts
            if LEFTOVERS & set(parts) or any(x.endswith(".egg-info") for x in parts):
                continue
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


@pytest.fixture(scope="session")
def generator() -> None:
    """tools/sdkgen built or cached (scripts/ensure-sdkgen.sh; building it needs Go)."""
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-sdkgen.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"no SDK generator: {proc.stderr.strip()[-500:]}")


@pytest.mark.timeout(900)
def test_the_committed_sdks_are_what_the_schema_generates(tmp_path: Path, generator: None) -> None:
    run(["bash", ROOT / "scripts" / "gen-sdk.sh", tmp_path / "sdk"])
    fresh, committed = files(tmp_path / "sdk"), files(SDK)
    stale = {
        "new": sorted(set(fresh) - set(committed)),
        "gone": sorted(set(committed) - set(fresh)),
        "changed": sorted(p for p in set(fresh) & set(committed) if fresh[p] != committed[p]),
    }
    fix = "sdk/ is stale: run `bash scripts/gen-sdk.sh` and commit sdk/"
    assert stale == {"new": [], "gone": [], "changed": []}, fix
    # The names the language section gives, at this package's version, and where the engine
    # downloads the plugin from (tests/docs/test_registry_docs.py checks every SDK's copy).
    plugin = json.loads(committed["python/pulumi_aep/pulumi-plugin.json"])
    assert plugin == {
        "resource": True,
        "name": "aep",
        "version": __version__,
        "server": PLUGIN_DOWNLOAD_URL,
    }
    package = json.loads(committed["nodejs/package.json"])
    assert (package["name"], package["version"]) == (LANGUAGE["nodejs"]["packageName"], __version__)
    assert committed["go/go.mod"].decode().startswith(f"module {GO_MODULE}\n")


# -- Python ------------------------------------------------------------------------------------
def missing_requirements(dist_info: Path) -> list[str]:
    """The SDK's requirements this environment lacks (the rest, pulumi itself first, are the
    venv's own, so the program runs on the same SDK as the plugin)."""
    wanted = []
    for line in (dist_info / "METADATA").read_text().splitlines():
        if not line.startswith("Requires-Dist: "):
            continue
        req = Requirement(line.removeprefix("Requires-Dist: "))
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            have = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            wanted.append(str(req))
            continue
        assert req.specifier.contains(have, prereleases=True), (str(req), have)
    return sorted(wanted)


def cached_target(requirements: list[str]) -> Path:
    """`pip install --target` of `requirements`, once, in the cache (keyed by them)."""
    key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:16]
    dest = CACHE / "python-sdk-deps" / key
    if not (dest / ".complete").is_file():
        staging = dest.with_name(f".{key}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        pip: list[str | Path] = [ROOT / ".venv" / "bin" / "python", "-m", "pip", "install", "-q"]
        run([*pip, "--target", staging, *requirements], timeout=300)
        (staging / ".complete").write_text("\n".join(requirements) + "\n")
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)
    return dest


@pytest.fixture
def python_sdk(tmp_path: Path, pulumi_bin: str) -> Iterator[World]:
    """An e2e world on the plugin whose program finds `pulumi_aep` (installed from sdk/python
    without dependencies into a directory of the test's own) and what it needs beside the
    venv's packages on PYTHONPATH."""
    site = tmp_path / "site"
    # A copy: building in place would leave build/ and *.egg-info in sdk/python.
    source = shutil.copytree(SDK / "python", tmp_path / "pulumi_aep-src")
    pip: list[str | Path] = [
        ROOT / ".venv" / "bin" / "python",
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
    ]
    run([*pip, "--target", site, source], timeout=300)
    (dist_info,) = site.glob("pulumi_aep-*.dist-info")
    assert dist_info.name == f"pulumi_aep-{__version__}.dist-info"
    path = [str(site)]
    wanted = missing_requirements(dist_info)
    if wanted:
        path.append(str(cached_target(wanted)))
    with e2e_world(tmp_path / "world", pulumi_bin) as world:
        on_plugin(world)
        world.stack.extra_env["PYTHONPATH"] = os.pathsep.join(path)
        yield world


def test_a_program_on_the_generated_python_sdk(python_sdk: World) -> None:
    world = python_sdk
    partner = world.orgs["partner"]
    (world.project_dir / "__main__.py").write_text(
        textwrap.dedent(
            f"""\
            import pulumi
            import pulumi_aep as aep

            pkg = aep.Package(
                "pkg",
                name="sdk-pkg",
                description="made with the generated SDK",
                source_sandbox="dev",
                artifacts=[aep.ArtifactArgs(id={GOLD["id"]!r}, type={GOLD["type"]!r})],
            )
            pub = aep.PublishedPackage("pub", package_id=pkg.package_id)
            partner = aep.Provider(
                "partner",
                platform_url={world.emu.url!r},
                ims_url={world.emu.url!r},
                org_id={partner["imsOrgId"]!r},
                client_id={partner["clientId"]!r},
                client_secret=pulumi.Output.secret({partner["clientSecret"]!r}),
                sandbox="dev",
            )
            full = aep.Package(
                "full", name="partner-full", package_type="FULL",
                opts=pulumi.ResourceOptions(provider=partner),
            )
            pulumi.export("packageId", pkg.package_id)
            pulumi.export("status", pub.status)
            pulumi.export("partnerPackageId", full.package_id)
            """
        )
    )
    since = world.last_seq()
    assert world.stack.preview().summary == {"create": 5}
    assert world.writes(since) == []

    world.stack.up()
    out = world.stack.outputs()
    (pkg,) = world.packages()
    assert (pkg["id"], pkg["name"], pkg["status"]) == (out["packageId"], "sdk-pkg", "PUBLISHED")
    assert out["status"] == "PUBLISHED"
    assert [p["id"] for p in world.packages("partner")] == [out["partnerPackageId"]]
    resources = world.state_resources()
    types = sorted(r["type"] for r in resources if r["type"].startswith("aep:"))
    assert types == ["aep:index:Package", "aep:index:Package", "aep:index:PublishedPackage"]
    # The generated SDK asks for the plugin at its own version (pulumi-plugin.json).
    providers = [r for r in resources if r["type"] == "pulumi:providers:aep"]
    assert {r["inputs"].get("version") for r in providers} == {__version__}
    assert partner["clientSecret"] not in json.dumps(resources)

    since = world.last_seq()
    world.stack.preview(expect_no_changes=True)
    assert world.emu.requests(since) == []

    world.stack.destroy()
    assert world.packages() == []
    assert world.packages("partner") == []
    assert world.state_resources() == []


# -- Node.js (TypeScript) ----------------------------------------------------------------------
def node_modules() -> Path:
    """typescript, @types/node (the ranges the generated package.json wants) and
    @pulumi/pulumi at the pinned version, installed once in the cache."""
    npm = tool("npm")
    package = json.loads((SDK / "nodejs" / "package.json").read_text())
    deps = {
        "@pulumi/pulumi": PULUMI_VERSION,
        "typescript": package["devDependencies"]["typescript"],
        "@types/node": package["devDependencies"]["@types/node"],
    }
    spec = json.dumps({"name": "aep-sdk-typecheck", "private": True, "dependencies": deps})
    key = hashlib.sha256(spec.encode()).hexdigest()[:16]
    dest = CACHE / "nodejs-sdk" / key
    if not (dest / ".complete").is_file():
        staging = dest.with_name(f".{key}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_text(spec)
        run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=staging)
        (staging / ".complete").write_text(spec)
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)
    return dest / "node_modules"


PROGRAM_TS = """\
import * as pulumi from "@pulumi/pulumi";
import * as aep from "./index";

const pkg = new aep.Package("pkg", {
    name: "ts-pkg",
    sourceSandbox: "dev",
    artifacts: [{ id: "acme-seg-gold", type: "PROFILE_SEGMENT" }],
});
const pub = new aep.PublishedPackage("pub", { packageId: pkg.packageId });
const partner = new aep.Provider("partner", { orgId: "PRTN0000000000000000B002@AdobeOrg" });
export const status: pulumi.Output<string> = pub.status;
export const job = new aep.ImportJob(
    "job",
    { packageId: pub.packageId, targetSandbox: "prod" },
    { provider: partner },
);
"""


def tsc(sdk: Path, program: str) -> subprocess.CompletedProcess[str]:
    """`tsc --noEmit` with the SDK's own tsconfig (strict) over its files and `program`."""
    # The generated tsconfig.json has // comments (JSONC); its file list is all this needs.
    lines = (sdk / "tsconfig.json").read_text().splitlines()
    base = json.loads("\n".join(ln for ln in lines if not ln.strip().startswith("//")))
    config = {"extends": "./tsconfig.json", "files": [*base["files"], program]}
    (sdk / "tsconfig.check.json").write_text(json.dumps(config))
    return subprocess.run(
        [str(sdk / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", "tsconfig.check.json"],
        cwd=sdk,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.timeout(900)
def test_the_generated_nodejs_sdk_type_checks(tmp_path: Path) -> None:
    modules = node_modules()
    sdk = tmp_path / "nodejs"
    shutil.copytree(SDK / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(modules)

    (sdk / "program.ts").write_text(PROGRAM_TS)
    ok = tsc(sdk, "program.ts")
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # The check bites: a number for a string input, and a misspelt one, are refused.
    bad = PROGRAM_TS.replace('name: "ts-pkg"', "name: 42").replace("targetSandbox", "target")
    (sdk / "program.ts").write_text(bad)
    refused = tsc(sdk, "program.ts")
    assert refused.returncode != 0
    assert "program.ts(5,5): error TS2322" in refused.stdout, refused.stdout
    assert "'target' does not exist in type 'ImportJobArgs'" in refused.stdout, refused.stdout


# -- Go ----------------------------------------------------------------------------------------
PROGRAM_GO = """\
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"{module}/aep"
	"{module}/aep/config"
)

func main() {{
	pulumi.Run(func(ctx *pulumi.Context) error {{
		pkg, err := aep.NewPackage(ctx, "pkg", &aep.PackageArgs{{
			Name:          pulumi.String("go-pkg"),
			SourceSandbox: pulumi.String(config.GetSandbox(ctx)),
			Artifacts: aep.ArtifactArray{{aep.ArtifactArgs{{
				Id: pulumi.String("acme-seg-gold"), Type: pulumi.String("PROFILE_SEGMENT"),
			}}}},
		}})
		if err != nil {{
			return err
		}}
		partner, err := aep.NewProvider(ctx, "partner", &aep.ProviderArgs{{
			OrgId: pulumi.StringPtr("PRTN0000000000000000B002@AdobeOrg"),
		}})
		if err != nil {{
			return err
		}}
		_, err = aep.NewPublishedPackage(ctx, "pub", &aep.PublishedPackageArgs{{
			PackageId: pkg.PackageId,
		}}, pulumi.Provider(partner))
		return err
	}})
}}
"""


@pytest.mark.timeout(900)
def test_the_generated_go_sdk_builds(tmp_path: Path) -> None:
    go = tool("go")
    proxy = run([go, "env", "GOPROXY"]).strip().removesuffix(",direct").removesuffix("|direct")
    assert proxy not in ("", "direct", "off"), f"GOPROXY={proxy!r}: a module proxy is needed"
    module = tmp_path / "program"
    module.mkdir()
    (module / "go.mod").write_text(
        f"module example.com/aep-program\n\ngo 1.25\n\n"
        f"require (\n\tgithub.com/pulumi/pulumi/sdk/v3 v{PULUMI_VERSION}\n"
        f"\t{GO_MODULE} v0.0.0\n)\n\nreplace {GO_MODULE} => {SDK / 'go'}\n"
    )
    (module / "main.go").write_text(PROGRAM_GO.format(module=GO_MODULE))
    env = {"GOPROXY": proxy, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod -buildvcs=false"}
    run([go, "build", "-o", tmp_path / "program.bin", "./..."], cwd=module, timeout=900, **env)
    assert (tmp_path / "program.bin").stat().st_size > 0
    # MVS kept the pinned SDK (the generated go.mod asks for the same).
    listed = run(
        [go, "list", "-m", "github.com/pulumi/pulumi/sdk/v3"], cwd=module, timeout=600, **env
    )
    assert listed.split() == ["github.com/pulumi/pulumi/sdk/v3", f"v{PULUMI_VERSION}"]
