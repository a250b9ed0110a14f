"""A thin Python SDK for the `aep` plugin: the same five resources, as real custom resources.

    from sandbox_provider.plugin import sdk as aep

    pkg = aep.Package("dev-audiences", name="dev-audiences", artifacts=[...])
    partner = aep.Provider("partner", org_id="...", client_id="...", client_secret="...")
    aep.Transfer("to-partner", package_id=pkg.package_id, opts=pulumi.ResourceOptions(
        provider=partner))

    found = aep.get_package(name="dev-audiences")  # the lookups, as the plugin's invokes

Keyword arguments and attributes keep the dynamic resources' snake_case names; the wire uses
the schema's camelCase (`package_id` is `packageId`), converted here for the top-level names
only, as the plugin does. The inputs and outputs each resource takes are the schema's
(`schema.RESOURCES`), so the SDK and the plugin can't disagree about them. The `get_*`
functions take the arguments of `sandbox_provider.lookups`' and answer the same TypedDicts,
read by the plugin (with the provider's configuration) rather than in the program.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi

from .schema import PACKAGE, RESOURCES, ResourceSpec
from .values import camel

if TYPE_CHECKING:
    from sandbox_provider.resources.results import (
        ArtifactDependencies,
        ImportConflict,
        ImportJobInfo,
        PackageInfo,
        Preflight,
    )


@functools.cache  # once per resource type, not once per resource a program declares
def _names(spec: ResourceSpec) -> tuple[frozenset[str], frozenset[str]]:
    inputs = frozenset(spec.input_names())
    return inputs, inputs | frozenset(spec.outputs())


class _AepResource(pulumi.CustomResource):
    """A resource of the plugin; subclasses name their schema entry."""

    _SPEC: ClassVar[ResourceSpec]

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **inputs: Any
    ) -> None:
        accepted, every = _names(self._SPEC)
        unknown = sorted(set(inputs) - accepted)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unknown inputs {unknown}: "
                f"it takes {', '.join(sorted(accepted))}"
            )
        # Every output is declared (None), so each exists as an attribute from the start.
        props = {camel(k): inputs.get(k) for k in sorted(every)}
        super().__init__(self._SPEC.token, resource_name, props, opts)

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found: `package_id` -> the `packageId` output.
        wire = camel(name)
        if wire != name and wire in self.__dict__:
            return self.__dict__[wire]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")


def _resource(spec: ResourceSpec) -> type[_AepResource]:
    doc = (spec.resource_class.__doc__ or "").strip()
    return type(spec.name, (_AepResource,), {"_SPEC": spec, "__doc__": doc, "__module__": __name__})


_BY_NAME = {spec.name: _resource(spec) for spec in RESOURCES}
Package = _BY_NAME["Package"]
PublishedPackage = _BY_NAME["PublishedPackage"]
ImportJob = _BY_NAME["ImportJob"]
Handshake = _BY_NAME["Handshake"]
Transfer = _BY_NAME["Transfer"]


class Promotion(pulumi.ComponentResource):
    """The plugin's Promotion component (`aep:index:Promotion`, made by the plugin's
    Construct): `package_id`, `targets` (a list of `{sandbox, wave, org, name, alternatives,
    conflict_policy, check_permissions, timeout_seconds}`) and `org`, as the Python
    Promotion takes them; `statuses` per target, in the schema's camelCase."""

    statuses: pulumi.Output[dict[str, dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        package_id: pulumi.Input[str],
        targets: Sequence[dict[str, Any]],
        org: str | None = None,
    ) -> None:
        props = {
            "packageId": package_id,
            "targets": [{camel(k): v for k, v in t.items()} for t in targets],
            "org": org,
            "statuses": None,
        }
        super().__init__(f"{PACKAGE}:index:Promotion", resource_name, props, opts, remote=True)


class Provider(pulumi.ProviderResource):
    """An explicit `aep` provider, e.g. for a second org: the `aep:*` keys as keyword
    arguments in snake_case (`org_id`, `client_id`, `client_secret`, ...). Credentials are
    sent as secrets."""

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **config: Any
    ) -> None:
        from sandbox_provider.client.config import KEYS

        keys = {k.name: k for k in KEYS}
        unknown = sorted(set(config) - set(keys))
        if unknown:
            raise TypeError(f"Provider got unknown settings {unknown}: it takes {sorted(keys)}")
        props: dict[str, Any] = {}
        for name, value in config.items():
            if value is None:
                continue
            if not isinstance(value, str | pulumi.Output):
                value = str(value)
            props[camel(name)] = pulumi.Output.secret(value) if keys[name].secret else value
        super().__init__(PACKAGE, resource_name, props, opts)


# -- the lookup functions, as invokes ------------------------------------------------------------
def _invoke(function: str, given: dict[str, Any]) -> pulumi.Output[Any]:
    """The plugin's invoke of `function` (`get_package` -> `aep:index:getPackage`) over its
    arguments `given` (each function passes its `locals()`: its arguments, `opts` among them)
    once every input is known; its answer as the Python lookup's result."""
    from sandbox_provider.resources.errors import ProviderError
    from sandbox_provider.resources.reads import arguments

    from . import invoke

    tok = invoke.token(function)
    lookup = invoke.lookups()[tok]
    opts = given.pop("opts")
    try:
        inputs = arguments(function, given)
    except ProviderError as exc:
        raise pulumi.RunError(str(exc)) from None
    defaults = {k: p.default for k, p in lookup.params().items()}
    args: dict[str, Any] = {}
    for name, value in inputs.items():
        if value is None:
            if defaults.get(name) in (None, inspect.Parameter.empty):
                continue
            # An invoke leaves out what is None, so the read would take its default (IMPORT
            # for `request_type`): "" filters on none (both request types).
            value = ""
        args[camel(name)] = value

    async def call(known: dict[str, Any]) -> Any:
        try:
            returned = await pulumi.runtime.invoke_async(tok, known, opts)
        except Exception as exc:
            # The CLI prints a traceback for anything but a RunError, and the SDK words a
            # failure "invoke of <tok> failed: <reason> (<property>)": the reason alone, as
            # the dynamic get_* print it.
            raise pulumi.RunError(_reason(str(exc), tok)) from None
        return invoke.from_wire(lookup, returned or {})

    return pulumi.Output.from_input(args).apply(call)


def _reason(message: str, tok: str) -> str:
    message = message.removeprefix(f"invoke of {tok} failed: ")
    return message.removesuffix(" ()")


def get_package(
    *,
    name: pulumi.Input[str] | None = None,
    package_id: pulumi.Input[str] | None = None,
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[PackageInfo]:
    """`sandbox_provider.get_package`, read by the plugin."""
    return _invoke("get_package", locals())


def get_packages(
    *,
    name: pulumi.Input[str] | None = None,
    status: str | Sequence[str] | None = None,
    package_type: str | Sequence[str] | None = None,
    visibility: str | Sequence[str] | None = None,
    created_after: pulumi.Input[int] | None = None,
    created_before: pulumi.Input[int] | None = None,
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[list[PackageInfo]]:
    """`sandbox_provider.get_packages`, read by the plugin."""
    return _invoke("get_packages", locals())


def get_import_conflicts(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[list[ImportConflict]]:
    """`sandbox_provider.get_import_conflicts`, read by the plugin."""
    return _invoke("get_import_conflicts", locals())


def get_preflight(
    package_id: pulumi.Input[str],
    target_sandbox: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[Preflight]:
    """`sandbox_provider.get_preflight`, read by the plugin."""
    return _invoke("get_preflight", locals())


def get_artifact_dependencies(
    package_id: pulumi.Input[str],
    *,
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[list[ArtifactDependencies]]:
    """`sandbox_provider.get_artifact_dependencies`, read by the plugin."""
    return _invoke("get_artifact_dependencies", locals())


def get_import_jobs(
    *,
    package_id: pulumi.Input[str] | None = None,
    target_sandbox: pulumi.Input[str] | None = None,
    name: pulumi.Input[str] | None = None,
    status: str | Sequence[str] | None = None,
    request_type: str | None = "IMPORT",
    org: pulumi.Input[str] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[list[ImportJobInfo]]:
    """`sandbox_provider.get_import_jobs`, read by the plugin (`request_type=None`: both)."""
    return _invoke("get_import_jobs", locals())


#: The provider, the schema's resources and the lookups defined above: nothing to keep in step.
__all__ = [
    "Promotion",
    "Provider",
    *_BY_NAME,
    *(name for name in tuple(globals()) if name.startswith("get_")),
]
