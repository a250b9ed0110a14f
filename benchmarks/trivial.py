"""The engine floor: a dynamic resource whose provider does nothing but return an id.

`benchmarks.engine_floor` runs 200 of these against 200 `Package`s with the same inputs. The
class lives in an importable module (not in the program) so that dill pickles the provider
by reference, as it does ours; the stack runs with the repository root on PYTHONPATH so that
both the program and the provider process can import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, ResourceProvider


class TrivialProvider(ResourceProvider):
    """check, diff and delete are the SDK's defaults (pass-through, engine diff, nothing)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"trivial-{props.get('name')}", outs={})


class Trivial(pulumi.dynamic.Resource, module="bench", name="Trivial"):
    """The three inputs of the benchmark's programs; the variants below change only which
    provider answers and whether the program declares a Package's outputs."""

    PROVIDER: ClassVar[type[ResourceProvider]] = TrivialProvider
    DECLARES_OUTPUTS: ClassVar[bool] = False

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        source_sandbox: pulumi.Input[str] | None = None,
        artifacts: pulumi.Input[Sequence[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"name": name, "source_sandbox": source_sandbox, "artifacts": artifacts}
        if self.DECLARES_OUTPUTS:
            props.update({k: None for k in WIDE_OUTPUTS if k not in props})
        super().__init__(self.PROVIDER(), resource_name, props, opts)


#: A Package's outputs as the platform fills them (the shapes and sizes of a real one, see
#: docs/resources.md): what `Wide` returns, so that the engine and the SDK carry the same
#: volume.
WIDE_OUTPUTS: dict[str, Any] = {
    "package_id": "0123456789abcdef0123456789abcdef",
    "description": None,
    "package_type": "PARTIAL",
    "include_dependencies": False,
    "org": None,
    "adopt_id": None,
    "expiry": 1790000000000,
    "artifacts": [
        {"id": "acme-seg-gold", "type": "PROFILE_SEGMENT", "title": "Gold", "found": True}
    ],
    "declared_artifacts": [{"id": "acme-seg-gold", "type": "PROFILE_SEGMENT"}],
    "dependency_artifacts": [],
    "status": "DRAFT",
    "version": 1,
    "created_date": 1780000000000,
    "modified_date": 1780000000000,
    "ims_org_id": "ACME0000000000000000A001@AdobeOrg",
}


class WideProvider(ResourceProvider):
    """Like TrivialProvider, but answers with a Package's outputs (no API call, no checks)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"wide-{props.get('name')}", outs={**props, **WIDE_OUTPUTS})


class Wide(Trivial, module="bench", name="Wide"):
    """The trivial resource with a Package's outputs: what the outputs alone cost the engine
    and the SDK (the class annotations too, as `Package` declares them)."""

    PROVIDER: ClassVar[type[ResourceProvider]] = WideProvider
    DECLARES_OUTPUTS = True

    package_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    package_type: pulumi.Output[str]
    source_sandbox: pulumi.Output[str]
    include_dependencies: pulumi.Output[bool]
    org: pulumi.Output[str | None]
    artifacts: pulumi.Output[list[dict[str, Any]]]
    declared_artifacts: pulumi.Output[list[dict[str, Any]]]
    dependency_artifacts: pulumi.Output[list[dict[str, str]]]
    status: pulumi.Output[str]
    version: pulumi.Output[int]
    expiry: pulumi.Output[int]
    created_date: pulumi.Output[int]
    modified_date: pulumi.Output[int]
    ims_org_id: pulumi.Output[str]


class UndeclaredWide(Trivial, module="bench", name="UndeclaredWide"):
    """`Wide`'s provider (a Package's outputs in the state), but the program declares only the
    three inputs: what the outputs cost the engine's state, without the SDK resolving them."""

    PROVIDER = WideProvider


class DeclaredOnly(Wide, module="bench", name="DeclaredOnly"):
    """`Wide`'s declarations (props and annotations), but the trivial provider: no outputs in
    the state, so what is left is the SDK's cost of declaring them."""

    PROVIDER = TrivialProvider
