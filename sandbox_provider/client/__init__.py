"""Typed client of the AEP sandbox tooling (exim) API.

from sandbox_provider.client import ExImClient, prop

with ExImClient.from_env() as client:
    pkg = client.create_package("acme", artifacts=[{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}])
    client.publish_package(pkg.id)
    client.wait_for_package(pkg.id, timeout=300)
    for p in client.list_packages(prop("status").eq("PUBLISHED")):
        print(p.name)
"""

# The names load on first use, each from its own module: the provider's import path (a
# program, the provider process at preview) must not pay for httpx and the wire models.
from importlib import import_module
from typing import TYPE_CHECKING, Any

#: public name -> the module of this package that defines it
_EXPORTS = {
    "ApiError": "errors",
    "Artifact": "models",
    "ArtifactChildren": "models",
    "ArtifactLike": "models",
    "ArtifactPermission": "models",
    "ArtifactType": "enums",
    "asc": "paging",
    "AuthenticationError": "errors",
    "ClientSettings": "settings",
    "ConfigurationError": "errors",
    "Conflict": "models",
    "ConflictError": "errors",
    "DEFAULT_IMS_URL": "config",
    "DEFAULT_PLATFORM_URL": "config",
    "DEFAULT_SCOPES": "config",
    "DeleteResult": "models",
    "desc": "paging",
    "EXIM_PREFIX": "transport",
    "ExImClient": "exim",
    "ExImError": "errors",
    "ExImTimeoutError": "errors",
    "Filter": "paging",
    "Handshake": "models",
    "HandshakeBulkResult": "models",
    "HandshakeRequestType": "enums",
    "HandshakeStatus": "enums",
    "ImportSubmission": "models",
    "Job": "models",
    "job_package": "imports",
    "JobDetails": "models",
    "JobTask": "models",
    "JobRequestType": "enums",
    "JobStatus": "enums",
    "JobType": "enums",
    "NotFoundError": "errors",
    "OperationFailedError": "errors",
    "Package": "models",
    "PackagePayload": "models",
    "PackageVersion": "models",
    "PackageStatus": "enums",
    "PackageType": "enums",
    "PackageVisibility": "enums",
    "Page": "models",
    "PermissionDeniedError": "errors",
    "PreflightResult": "models",
    "prop": "paging",
    "Property": "paging",
    "PublishResult": "models",
    "RequestInfo": "errors",
    "RetryPolicy": "retry",
    "SandboxRef": "models",
    "VersionJob": "models",
    "ServerError": "errors",
    "ThrottledError": "errors",
    "Transfer": "models",
    "TransferRequestType": "enums",
    "TransferStatus": "enums",
    "TransportError": "errors",
    "ValidationError": "errors",
}

if TYPE_CHECKING:
    from .config import DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES
    from .errors import (
        ApiError,
        AuthenticationError,
        ConfigurationError,
        ConflictError,
        ExImError,
        ExImTimeoutError,
        NotFoundError,
        OperationFailedError,
        PermissionDeniedError,
        RequestInfo,
        ServerError,
        ThrottledError,
        TransportError,
        ValidationError,
    )
    from .exim import ExImClient
    from .imports import job_package
    from .models import (
        Artifact,
        ArtifactChildren,
        ArtifactLike,
        ArtifactPermission,
        ArtifactType,
        Conflict,
        DeleteResult,
        Handshake,
        HandshakeBulkResult,
        HandshakeRequestType,
        HandshakeStatus,
        ImportSubmission,
        Job,
        JobDetails,
        JobRequestType,
        JobStatus,
        JobTask,
        JobType,
        Package,
        PackagePayload,
        PackageStatus,
        PackageType,
        PackageVersion,
        PackageVisibility,
        Page,
        PreflightResult,
        PublishResult,
        SandboxRef,
        Transfer,
        TransferRequestType,
        TransferStatus,
        VersionJob,
    )
    from .paging import Filter, Property, asc, desc, prop
    from .retry import RetryPolicy
    from .settings import ClientSettings
    from .transport import EXIM_PREFIX

__all__ = [
    "DEFAULT_IMS_URL",
    "DEFAULT_PLATFORM_URL",
    "DEFAULT_SCOPES",
    "EXIM_PREFIX",
    "ApiError",
    "Artifact",
    "ArtifactChildren",
    "ArtifactLike",
    "ArtifactPermission",
    "ArtifactType",
    "AuthenticationError",
    "ClientSettings",
    "ConfigurationError",
    "Conflict",
    "ConflictError",
    "DeleteResult",
    "ExImClient",
    "ExImError",
    "ExImTimeoutError",
    "Filter",
    "Handshake",
    "HandshakeBulkResult",
    "HandshakeRequestType",
    "HandshakeStatus",
    "ImportSubmission",
    "Job",
    "JobDetails",
    "JobRequestType",
    "JobStatus",
    "JobTask",
    "JobType",
    "NotFoundError",
    "OperationFailedError",
    "Package",
    "PackagePayload",
    "PackageVersion",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "Page",
    "PermissionDeniedError",
    "PreflightResult",
    "Property",
    "PublishResult",
    "RequestInfo",
    "RetryPolicy",
    "SandboxRef",
    "ServerError",
    "ThrottledError",
    "Transfer",
    "TransferRequestType",
    "TransferStatus",
    "TransportError",
    "ValidationError",
    "VersionJob",
    "asc",
    "desc",
    "job_package",
    "prop",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sandbox_provider.client' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
