"""The dynamic resources: the `pulumi.dynamic.Resource` classes a Python program declares,
over the core's providers (`sandbox_provider.resources`). Each class's inputs and outputs are
its core module's models (`<Name>Inputs`, `<Name>Outputs`), named with its provider by `over`:
`declare.resource_class` checks the annotations and `__init__` against them when the class is
created, and `initial_props` builds what it registers. Nothing here is pickled into state
(the providers are, by their core module paths), so this module may move freely.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import pulumi
from pydantic import BaseModel

from sandbox_provider.resources import BaseProvider
from sandbox_provider.resources._fields import Artifact
from sandbox_provider.resources.declare import initial_props, resource_class
from sandbox_provider.resources.handshake import (
    HandshakeInputs,
    HandshakeOutputs,
    HandshakeProvider,
)
from sandbox_provider.resources.import_job import (
    ImportJobInputs,
    ImportJobOutputs,
    ImportJobProvider,
)
from sandbox_provider.resources.package import PackageInputs, PackageOutputs, PackageProvider
from sandbox_provider.resources.published_package import (
    PublishedPackageInputs,
    PublishedPackageOutputs,
    PublishedPackageProvider,
)
from sandbox_provider.resources.transfer import TransferInputs, TransferOutputs, TransferProvider

__all__ = ["Handshake", "ImportJob", "Package", "PublishedPackage", "Transfer"]


def adoption(
    opts: pulumi.ResourceOptions | None,
) -> tuple[str | None, pulumi.ResourceOptions | None]:
    """(the id given to `import_`, the options without it); the caller's options unchanged.

    The engine's import path can't call a Python dynamic provider: its Read carries no
    serialized provider (pulumi/pulumi#16175). So the id travels as the `adopt_id` input and
    create adopts: it looks the object up and takes it over without writing."""
    if opts is None or not opts.import_:
        return None, opts
    adopt_id = str(opts.import_)
    opts = pulumi.ResourceOptions.merge(opts, None)
    opts.import_ = None
    return adopt_id, opts


def delete_first(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """The options with `delete_before_replace=True` unless the program chose.

    A Package's replacement that keeps its name can only be created once the old package is
    gone, and the diff says so; but `pulumi up --replace` never asks the diff (it plans the
    replacement itself and honours only the resource option). Deleting first on every
    replacement loses nothing the create-first order would keep: the old package can't live
    beside a same-named new one, and a renamed one is checked before (the diff's preflight)."""
    opts = pulumi.ResourceOptions.merge(opts, None) if opts else pulumi.ResourceOptions()
    if opts.delete_before_replace is None:
        opts.delete_before_replace = True
    return opts


class _CoreResource(pulumi.dynamic.Resource):
    """A dynamic resource over a core provider: `over` names the provider and the models."""

    _core: ClassVar[type[BaseProvider]]
    _models: ClassVar[tuple[type[BaseModel], type[BaseModel]]]

    def _register(
        self, resource_name: str, given: Mapping[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        """Register with `given` (the class's `__init__` arguments) as the inputs."""
        adopt_id, opts = adoption(opts)  # see "adoption" in the module docstring
        props = initial_props(*self._models, {**given, "adopt_id": adopt_id})
        super().__init__(self._core(), resource_name, props, opts)


R = TypeVar("R", bound=type[_CoreResource])


def over(
    provider: type[BaseProvider], inputs: type[BaseModel], outputs: type[BaseModel]
) -> Callable[[R], R]:
    """Class decorator: the resource runs on `provider`, with the inputs and outputs of the two
    models (`resource_class` checks the class against them)."""

    def decorate(cls: R) -> R:
        cls._core, cls._models = provider, (inputs, outputs)
        return resource_class(inputs, outputs)(cls)

    return decorate


@over(PackageProvider, PackageInputs, PackageOutputs)
class Package(_CoreResource, module="aep", name="Package"):
    """A package of artifacts from one sandbox (see the module docstring for its lifecycle)."""

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
    package_version: pulumi.Output[int]
    version_history: pulumi.Output[list[dict[str, Any]]]
    source_changes: pulumi.Output[list[dict[str, Any]]]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        package_type: pulumi.Input[str] | None = None,
        source_sandbox: pulumi.Input[str] | None = None,
        artifacts: pulumi.Input[Sequence[pulumi.Input[Artifact]]] | None = None,
        expiry: pulumi.Input[str | int] | None = None,
        include_dependencies: pulumi.Input[bool] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, locals(), delete_first(opts))


@over(PublishedPackageProvider, PublishedPackageInputs, PublishedPackageOutputs)
class PublishedPackage(_CoreResource, module="aep", name="PublishedPackage"):
    """The publication of a package (see the module docstring for its lifecycle)."""

    package_id: pulumi.Output[str]
    status: pulumi.Output[str]
    publish_date: pulumi.Output[int]
    correlation_id: pulumi.Output[str | None]
    job_id: pulumi.Output[str | None]
    visibility: pulumi.Output[str]
    expiry: pulumi.Output[int]
    expiry_period_days: pulumi.Output[int | None]
    org: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        package_id: pulumi.Input[str],
        expiry_period_days: pulumi.Input[int] | None = None,
        visibility: pulumi.Input[str] | None = None,
        timeout_seconds: pulumi.Input[float] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, locals(), opts)


@over(ImportJobProvider, ImportJobInputs, ImportJobOutputs)
class ImportJob(_CoreResource, module="aep", name="ImportJob"):
    """An import of a published package into a sandbox (lifecycle: module docstring)."""

    job_id: pulumi.Output[str]
    job_status: pulumi.Output[str]
    job_name: pulumi.Output[str]
    correlation_id: pulumi.Output[str]
    conflicts: pulumi.Output[list[dict[str, Any]]]
    alternatives_used: pulumi.Output[dict[str, dict[str, str]]]
    imported_artifacts: pulumi.Output[dict[str, str]]
    created_artifacts: pulumi.Output[dict[str, str]]
    reused_artifacts: pulumi.Output[dict[str, str]]
    needs_attention: pulumi.Output[list[dict[str, str]]]
    package_version: pulumi.Output[int]
    source_changes: pulumi.Output[list[dict[str, Any]]]
    update_job_id: pulumi.Output[str]
    updated_artifacts: pulumi.Output[dict[str, str]]
    package_id: pulumi.Output[str]
    target_sandbox: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        package_id: pulumi.Input[str],
        target_sandbox: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        alternatives: pulumi.Input[Mapping[str, pulumi.Input[Mapping[str, str]]]] | None = None,
        conflict_policy: pulumi.Input[str] | None = None,
        check_permissions: pulumi.Input[bool] | None = None,
        timeout_seconds: pulumi.Input[float] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, locals(), opts)


@over(HandshakeProvider, HandshakeInputs, HandshakeOutputs)
class Handshake(_CoreResource, module="aep", name="Handshake"):
    """A sharing link with another org (lifecycle: module docstring)."""

    linking_id: pulumi.Output[str]
    handshake_id: pulumi.Output[str]
    status: pulumi.Output[str]
    target_org_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        target_org_id: pulumi.Input[str],
        source_org_name: pulumi.Input[str] | None = None,
        approve_as: pulumi.Input[str] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, locals(), opts)


@over(TransferProvider, TransferInputs, TransferOutputs)
class Transfer(_CoreResource, module="aep", name="Transfer"):
    """A package copied to another org (lifecycle: module docstring)."""

    transfer_id: pulumi.Output[str]
    status: pulumi.Output[str]
    messages: pulumi.Output[list[str]]
    request_type: pulumi.Output[str]
    package_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        package_id: pulumi.Input[str],
        target_org_id: pulumi.Input[str] | None = None,
        source_org_id: pulumi.Input[str] | None = None,
        request_type: pulumi.Input[str] | None = None,
        timeout_seconds: pulumi.Input[float] | None = None,
        org: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        self._register(resource_name, locals(), opts)
