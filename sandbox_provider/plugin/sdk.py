"""A thin Python SDK for the `aep` plugin: the same five resources, as real custom resources.

    from sandbox_provider.plugin import sdk as aep

    pkg = aep.Package("dev-audiences", name="dev-audiences", artifacts=[...])
    partner = aep.Provider("partner", org_id="...", client_id="...", client_secret="...")
    aep.Transfer("to-partner", package_id=pkg.package_id, opts=pulumi.ResourceOptions(
        provider=partner))

Keyword arguments and attributes keep the dynamic resources' snake_case names; the wire uses
the schema's camelCase (`package_id` is `packageId`), converted here for the top-level names
only, as the plugin does. The inputs and outputs each resource takes are the schema's
(`schema.RESOURCES`), so the SDK and the plugin can't disagree about them.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from .schema import PACKAGE, RESOURCES, ResourceSpec
from .values import camel

__all__ = ["Handshake", "ImportJob", "Package", "Provider", "PublishedPackage", "Transfer"]


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
