"""Typed client of the AEP sandbox tooling (exim) API.

from sandbox_provider.client import ExImClient, prop

with ExImClient.from_env() as client:
    pkg = client.create_package("acme", artifacts=[{"id": "acme-ns-crm", "type": "ID_NAMESPACE"}])
    client.publish_package(pkg.id)
    client.wait_for_package(pkg.id, timeout=300)
    for p in client.list_packages(prop("status").eq("PUBLISHED")):
        print(p.name)
"""

from .config import DEFAULT_IMS_URL, DEFAULT_PLATFORM_URL, DEFAULT_SCOPES, ClientSettings
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
    JobRequestType,
    JobStatus,
    JobType,
    Package,
    PackagePayload,
    PackageStatus,
    PackageType,
    PackageVisibility,
    Page,
    PreflightResult,
    PublishResult,
    SandboxRef,
    Transfer,
    TransferRequestType,
    TransferStatus,
)
from .paging import Filter, Property, asc, desc, prop
from .retry import RetryPolicy
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
    "JobRequestType",
    "JobStatus",
    "JobType",
    "NotFoundError",
    "OperationFailedError",
    "Package",
    "PackagePayload",
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
    "asc",
    "desc",
    "prop",
]
