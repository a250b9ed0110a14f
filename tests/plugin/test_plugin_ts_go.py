"""A TypeScript program on sdk/nodejs and a Go program on sdk/go, run by the real CLI through our
own language hosts (tools/langhosts, built by scripts/ensure-language-hosts.sh: the module proxy
serves neither upstream host) on the `aep` plugin from the venv's bin, against the emulator, with
only `aep:*` stack config: up, a no-change preview that makes no API call, destroy.

The npm packages come from test_plugin_sdks.py's cache; the Go modules from the module proxy
(through the Go module cache). A missing toolchain skips, which under CI=true is a failure.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.engine import e2e_world

from sandbox_provider.plugin.schema import GO_MODULE
from sandbox_provider.testing import World

from .test_plugin_lifecycle import GOLD, on_plugin
from .test_plugin_sdks import PULUMI_VERSION, SDK, node_modules, run, tool

pytestmark = pytest.mark.e2e

HOSTS = ("pulumi-language-go", "pulumi-language-nodejs")


def host_world(tmp: Path, pulumi_bin: str, hosts: Path, runtime: str) -> Iterator[World]:
    """An e2e world (emulator, stack with the `aep:*` config) whose project runs `runtime`,
    with the plugin and our language hosts on the engine's PATH."""
    with e2e_world(tmp, pulumi_bin) as world:
        (world.project_dir / "Pulumi.yaml").write_text(f"name: e2e\nruntime: {runtime}\n")
        on_plugin(world)
        world.stack.extra_env["PATH"] = str(hosts) + os.pathsep + world.stack.env()["PATH"]
        yield world


def up_noop_destroy(world: World, name: str) -> None:
    """The program (Package `name`, published, imported into prod): up creates it all, a
    preview then changes nothing and calls no API, destroy removes it."""
    world.stack.up(timeout=600)
    out = world.stack.outputs()
    (pkg,) = world.packages()
    assert (pkg["id"], pkg["name"], pkg["status"]) == (out["packageId"], name, "PUBLISHED")
    assert (out["status"], out["jobStatus"]) == ("PUBLISHED", "SUCCESS")
    imports = world.import_jobs()
    assert [j["jobStatus"] for j in imports] == ["SUCCESS"]
    types = sorted(r["type"] for r in world.state_resources() if r["type"].startswith("aep:"))
    assert types == ["aep:index:ImportJob", "aep:index:Package", "aep:index:PublishedPackage"]
    secret = world.orgs["acme"]["clientSecret"]
    assert secret not in str(world.stack.export_state())

    since = world.last_seq()
    world.stack.preview(expect_no_changes=True, timeout=600)
    assert world.emu.requests(since) == []

    world.stack.destroy(timeout=600)
    assert world.packages() == []
    assert world.state_resources() == []


def refused(world: World, source: str, body: str, message: str) -> None:
    """With `source` rewritten to `body`, a preview fails before any API call and says
    `message` (the compiler's or type checker's word, through the host)."""
    (world.project_dir / source).write_text(body)
    since = world.last_seq()
    res = world.stack.preview(check=False, timeout=600)
    assert res.code != 0
    assert message in res.stdout + res.stderr, res.stdout + res.stderr
    assert world.emu.requests(since) == []


# -- Go ----------------------------------------------------------------------------------------
PROGRAM_GO = f"""\
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"{GO_MODULE}/aep"
)

func main() {{
	pulumi.Run(func(ctx *pulumi.Context) error {{
		pkg, err := aep.NewPackage(ctx, "pkg", &aep.PackageArgs{{
			Name:          pulumi.String("go-pkg"),
			SourceSandbox: pulumi.String("dev"),
			Artifacts: aep.ArtifactArray{{aep.ArtifactArgs{{
				Id: pulumi.String("{GOLD["id"]}"), Type: pulumi.String("{GOLD["type"]}"),
			}}}},
		}})
		if err != nil {{
			return err
		}}
		pub, err := aep.NewPublishedPackage(ctx, "pub", &aep.PublishedPackageArgs{{
			PackageId: pkg.PackageId,
		}})
		if err != nil {{
			return err
		}}
		job, err := aep.NewImportJob(ctx, "job", &aep.ImportJobArgs{{
			PackageId:      pub.PackageId,
			TargetSandbox:  pulumi.String("prod"),
			ConflictPolicy: pulumi.String("use_existing"),
		}})
		if err != nil {{
			return err
		}}
		ctx.Export("packageId", pkg.PackageId)
		ctx.Export("status", pub.Status)
		ctx.Export("jobStatus", job.JobStatus)
		return nil
	}})
}}
"""


@pytest.fixture
def go_world(tmp_path: Path, pulumi_bin: str, lang_hosts: Path) -> Iterator[World]:
    go = tool("go")
    proxy = run([go, "env", "GOPROXY"]).strip().removesuffix(",direct").removesuffix("|direct")
    assert proxy not in ("", "direct", "off"), f"GOPROXY={proxy!r}: a module proxy is needed"
    for world in host_world(tmp_path, pulumi_bin, lang_hosts, "go"):
        (world.project_dir / "go.mod").write_text(
            f"module example.com/aep-e2e\n\ngo 1.25\n\n"
            f"require (\n\tgithub.com/pulumi/pulumi/sdk/v3 v{PULUMI_VERSION}\n"
            f"\t{GO_MODULE} v0.0.0\n)\n\nreplace {GO_MODULE} => {SDK / 'go'}\n"
        )
        (world.project_dir / "main.go").write_text(PROGRAM_GO)
        env = {"GOPROXY": proxy, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod -buildvcs=false"}
        # Built once here (filling go.sum and the build cache), so the host's `go build` in each
        # run only links; a compile error shows here, not inside an engine log.
        run([go, "build", "-o", os.devnull, "."], cwd=world.project_dir, timeout=900, **env)
        world.stack.extra_env.update(env)
        yield world


@pytest.mark.timeout(1200)
def test_a_go_program_on_the_generated_go_sdk(go_world: World) -> None:
    up_noop_destroy(go_world, "go-pkg")
    # The host builds the program each run: a compile error is its Run's error.
    bad = PROGRAM_GO.replace('pulumi.String("go-pkg")', "42")
    refused(go_world, "main.go", bad, "go build failed")


# -- TypeScript --------------------------------------------------------------------------------
PROGRAM_TS = f"""\
import * as pulumi from "@pulumi/pulumi";
import * as aep from "@sandbox-provider/aep";

const pkg = new aep.Package("pkg", {{
    name: "ts-pkg",
    sourceSandbox: "dev",
    artifacts: [{{ id: "{GOLD["id"]}", type: "{GOLD["type"]}" }}],
}});
const pub = new aep.PublishedPackage("pub", {{ packageId: pkg.packageId }});
const job = new aep.ImportJob("job", {{
    packageId: pub.packageId,
    targetSandbox: "prod",
    conflictPolicy: "use_existing",
}});
export const packageId: pulumi.Output<string> = pkg.packageId;
export const status = pub.status;
export const jobStatus = job.jobStatus;
"""


def ts_project(project: Path, modules: Path, built_sdk: Path) -> None:
    """The TypeScript program in `project`, with node_modules as `npm install` would leave it:
    the cached npm packages plus the built SDK."""
    (project / "package.json").write_text('{"name": "aep-e2e", "main": "index.ts"}\n')
    (project / "index.ts").write_text(textwrap.dedent(PROGRAM_TS))
    nm = project / "node_modules"
    nm.mkdir()
    for entry in modules.iterdir():
        (nm / entry.name).symlink_to(entry)
    (nm / "@sandbox-provider").mkdir()
    (nm / "@sandbox-provider" / "aep").symlink_to(built_sdk)


@pytest.fixture
def ts_world(
    tmp_path: Path, pulumi_bin: str, lang_hosts: Path, built_nodejs_sdk: Path
) -> Iterator[World]:
    tool("node")
    modules = node_modules()
    for world in host_world(tmp_path, pulumi_bin, lang_hosts, "nodejs"):
        ts_project(world.project_dir, modules, built_nodejs_sdk)
        yield world


@pytest.mark.timeout(1200)
def test_a_typescript_program_on_the_generated_nodejs_sdk(ts_world: World) -> None:
    up_noop_destroy(ts_world, "ts-pkg")
    # ts-node type-checks against the SDK's declarations: a number for a string input is refused.
    bad = PROGRAM_TS.replace('name: "ts-pkg"', "name: 42")
    refused(ts_world, "index.ts", bad, "TS2322")
