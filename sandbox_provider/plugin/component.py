"""The plugin's component, `aep:index:Promotion`: the engine's Construct, answered by the same
`build` as the Python Promotion (`sandbox_provider.resources.promotion.build`), its children the
plugin's own `aep:index:ImportJob` resources, registered from this process with the
engine's monitor (the servicer points the SDK's runtime at it before calling here).

Inputs arrive in the schema's camelCase, a target's keys too; they are checked as the
Python component checks them (each mistake one line naming the input). The `statuses` output
is answered in camelCase (`jobId`, `jobStatus`, `packageVersion`), once the children have
been made; in a preview, what isn't known yet is unknown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.resource import DependencyResource

from sandbox_provider.resources import promotion as core

from .values import UNKNOWN, camel, from_plain, snake, to_plain

__all__ = ["COMPONENTS", "construct"]

COMPONENTS = (core.TOKEN,)


def _as_output(value: PropertyValue | None) -> pulumi.Output[Any]:
    """An input as the Output a child takes: its value (unknown in a preview until known),
    and the resources it came from, so that the children depend on them."""
    if value is None:
        return pulumi.Output.from_input(None)
    plain = to_plain(value)
    deps = {DependencyResource(urn) for urn in value.all_dependencies()}
    known = plain != UNKNOWN

    async def resolved() -> Any:
        return plain if known else None

    async def is_known() -> bool:
        return known

    resources: set[pulumi.Resource] = set(deps)
    return pulumi.Output(
        resources, asyncio.ensure_future(resolved()), asyncio.ensure_future(is_known())
    )


def _snake_target(target: Any) -> Any:
    if not isinstance(target, Mapping):
        return target
    # Only the target's own keys: an `alternatives` map's keys are artifact ids.
    return {snake(k): v for k, v in target.items()}


def _camel_targets(value: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: {camel(k): v for k, v in entry.items()} for key, entry in value.items()}


async def construct(request: p.ConstructRequest) -> p.ConstructResponse:
    """Declare a Promotion and its ImportJobs; answer its URN and `statuses`."""
    from .sdk import ImportJob

    given = {snake(k): to_plain(v) for k, v in request.inputs.items()}
    targets = given.get("targets")
    if isinstance(targets, list):
        given["targets"] = [_snake_target(t) for t in targets]
    inputs = core.checked(given)
    component = pulumi.ComponentResource(core.TOKEN, request.name, None, request.options)

    def make(name: str, kw: dict[str, Any], options: pulumi.ResourceOptions) -> Any:
        return ImportJob(name, options, **kw)

    package_id = _as_output(request.inputs.get("packageId"))
    statuses = core.build(component, request.name, package_id, inputs, make)
    component.register_outputs({"statuses": statuses})
    urn = await component.urn.future()
    value = await statuses.future()
    known = await statuses.is_known()
    # Unknown as the wire's unknown sentinel: this SDK's PropertyValue can hold a Computed but
    # can't marshal one ("Unsupported value type"), which failed every preview of a fresh stack.
    state = {
        "statuses": from_plain(_camel_targets(value or {})) if known else PropertyValue(UNKNOWN)
    }
    return p.ConstructResponse(str(urn), state, {})
