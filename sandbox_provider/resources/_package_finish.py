"""How a Package create finishes: after its POST, on a package whose name was taken by an
earlier run of the same declaration, and on adoption (`import_`). Split from `package.py`,
whose lifecycle docstring describes when each runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CreateResult

from ._base import progress
from ._common import adoption_missing, not_adoptable
from ._package_contents import (
    Comparison,
    Key,
    compare,
    dependencies_of,
    keys_of,
    not_found_lines,
    outputs_of,
    refs,
    sandbox_of,
)
from .errors import ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient
    from sandbox_provider.client import Package as ApiPackage


def complete(
    client: ExImClient,
    pkg: ApiPackage,
    inputs: Mapping[str, Any],
    comparison: Comparison | None = None,
) -> tuple[ApiPackage, list[Key]]:
    """After the POST (or on a package taken over): refuse artifacts the sandbox lacks,
    then add the dependencies `include_dependencies` asks for."""
    org, name = inputs.get("org"), inputs["name"]
    missing = not_found_lines(pkg, inputs, keys_of(inputs.get("artifacts")))
    if missing:
        raise ProviderError(
            f"creating package {name!r} failed: {len(missing)} artifact(s) are not in "
            f"sandbox {sandbox_of(pkg) or inputs.get('source_sandbox')!r} (the platform "
            "answered found: false): fix the id and type, or create the artifact in the "
            "source sandbox first" + "".join(f"\n  - {line}" for line in missing)
        )
    deps: list[Key] = []
    if inputs.get("include_dependencies"):
        with api_errors(f"adding the dependencies of package {name!r} ({pkg.id})", org=org):
            if comparison is None:
                deps = dependencies_of(client, pkg.id, keys_of(inputs.get("artifacts")))
                to_add = deps
            else:
                deps, to_add = comparison.dependencies, comparison.missing_dependencies
            if to_add:
                pkg = client.add_artifacts(pkg.id, refs(to_add), expiry=inputs.get("expiry"))
                progress(f"package {name!r}: added {len(to_add)} dependencies")
    return pkg, deps


def take_over(
    client: ExImClient, pkg: ApiPackage, inputs: Mapping[str, Any], what: str
) -> CreateResult:
    """The name is taken. A package exactly as declared (or as an interrupted create of
    this declaration leaves it) is this program's own result: finish it. Anything else
    is someone else's: refuse, name it, and leave it alone."""
    with api_errors(what, org=inputs.get("org")):
        comparison = compare(client, pkg, inputs)
    if not comparison.matches:
        raise ProviderError(
            f"{what} failed: a package with this name already exists ({pkg.id}) and it "
            "differs from the program: "
            + "; ".join(comparison.differences)
            + ". Names are unique per org: rename this Package, or adopt that package "
            f"with opts=pulumi.ResourceOptions(import_={pkg.id!r}) once the program "
            "matches it"
        )
    progress(
        f"package {pkg.name!r} already exists ({pkg.id}) as the program declares it "
        "(left by an interrupted or failed run): taking it over"
    )
    pkg, deps = complete(client, pkg, inputs, comparison)
    return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))


def adopt(client: ExImClient, inputs: Mapping[str, Any]) -> CreateResult:
    """`import_=package_id`: take the package over without writing when it matches."""
    package_id = inputs["adopt_id"]
    what = f"adopting package {package_id}"
    with api_errors(what, org=inputs.get("org"), missing=adoption_missing("package")):
        pkg = client.get_package(package_id)
        comparison = compare(client, pkg, inputs)
    if not comparison.matches:
        raise not_adoptable(what, comparison.differences)
    if comparison.missing_dependencies:
        # What a create interrupted before its dependencies leaves: finish it.
        pkg, deps = complete(client, pkg, inputs, comparison)
        progress(f"package {pkg.name!r} ({pkg.id}) adopted; its dependencies were added")
    else:
        deps = comparison.dependencies
        progress(f"package {pkg.name!r} ({pkg.id}) adopted without changes")
    return CreateResult(pkg.id, outputs_of(pkg, inputs, deps))
