"""Serving `AepProvider` over gRPC: the SDK's experimental servicer, with clean errors.

The SDK's `ProviderServicer` (3.259.0) lets an exception of a provider method escape to
grpc, which reports it as "Unexpected <class ...>: ..." with the exception's repr; newer ones
(3.272.0) raise it again with the stack in its message (`unwrapped`). The
dynamic providers' failures read as one line saying what failed, why and the fix; here each
method's failure is sent as exactly that text (`str(exc)`), so both print the same message.
Anything unexpected also writes its traceback to the plugin's stderr, for the engine log.

Two answers the SDK's servicer can't give are added here: a create or update that made its
object but did not finish (`InitFailed`) is sent as the protocol's `ErrorResourceInitFailed`
detail, which the engine records as partial state; and the core's progress lines go to the
engine's `Log` with the resource's URN (`engine_logger`), so they show on its own line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime import proto
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2,
    provider_pb2_grpc,
    status_pb2,
)

from .provider import AepProvider, EngineLog, InitFailed

__all__ = ["serve"]

_GUARDED = (
    "CheckConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Construct",
)


def _expected(exc: BaseException) -> bool:
    from sandbox_provider.resources.errors import ConfigError, ProviderError

    return isinstance(exc, ProviderError | ConfigError)


def init_failed_status(exc: InitFailed) -> grpc.Status:
    """The status the engine reads as "created, failed to initialize": the error's text, and
    an `ErrorResourceInitFailed` detail (id, properties, reasons) in the standard
    `grpc-status-details-bin` trailer, where the Go engine's rpcerror looks for it."""
    code = grpc.StatusCode.UNKNOWN
    detail = provider_pb2.ErrorResourceInitFailed(
        id=exc.resource_id,
        properties=PropertyValue.marshal_map(exc.properties),
        reasons=[exc.reason],
    )
    body = status_pb2.Status(code=code.value[0], message=exc.reason)
    body.details.add().Pack(detail)
    status = grpc.Status()
    status.code = code
    status.details = exc.reason
    status.trailing_metadata = (("grpc-status-details-bin", body.SerializeToString()),)
    return status


def unwrapped(exc: BaseException) -> BaseException:
    """The provider method's own exception. Newer SDKs (3.272.0) wrap the servicer's methods
    so that any exception is raised again as a plain `Exception("<message>:\n<stack>")`,
    the original its `__context__`: that would turn every error into a traceback, and an
    `InitFailed` into a plain failure (its partial state lost)."""
    while (
        type(exc) is Exception
        and exc.__context__ is not None
        and str(exc).startswith(f"{exc.__context__}:\n")
    ):
        exc = exc.__context__
    return exc


def _guard(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def guarded(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await method(self, request, context)
        except Exception as raised:
            exc = unwrapped(raised)
            if isinstance(exc, InitFailed):
                await context.abort_with_status(init_failed_status(exc))
            if not _expected(exc):
                traceback.print_exception(exc, file=sys.stderr)
                await context.abort(grpc.StatusCode.UNKNOWN, f"{type(exc).__name__}: {exc}")
            await context.abort(grpc.StatusCode.UNKNOWN, str(exc))

    guarded.__name__ = method.__name__
    return guarded


class _Servicer(ProviderServicer):
    async def Read(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        # The SDK's Read always sends a (possibly empty) properties struct, which the engine
        # takes for an object that exists: `pulumi import` of a missing id then records an
        # empty resource, and a refresh keeps a deleted one. No properties at all is "gone".
        resp = await self._provider.read(
            p.ReadRequest(
                request.urn,
                request.id,
                PropertyValue.unmarshal_map(request.properties),
                PropertyValue.unmarshal_map(request.inputs),
            )
        )
        if not resp.resource_id:
            return proto.ReadResponse()
        return proto.ReadResponse(
            id=resp.resource_id,
            properties=PropertyValue.marshal_map(resp.properties),
            inputs=PropertyValue.marshal_map(resp.inputs),
        )


for _name in _GUARDED:
    setattr(_Servicer, _name, _guard(getattr(_Servicer, _name)))

_SEVERITY = {"info": engine_pb2.INFO, "warning": engine_pb2.WARNING}


def engine_logger(address: str) -> EngineLog:
    """`(urn, severity, message)` -> the engine's `Log`, attached to the resource `urn`.

    Called from the worker threads that run the core, so it uses a blocking channel of its
    own (the server's event loop stays out of it). A message the engine can't take goes to
    stderr as the dynamic provider's do: progress is never worth failing an operation."""
    channel = grpc.insecure_channel(address, options=_GRPC_CHANNEL_OPTIONS)
    stub = engine_pb2_grpc.EngineStub(channel)

    def log(urn: str, severity: str, message: str) -> None:
        request = engine_pb2.LogRequest(
            severity=_SEVERITY.get(severity, engine_pb2.INFO), message=message, urn=urn
        )
        try:
            stub.Log(request, timeout=10)
        except grpc.RpcError:
            prefix = "warning: " if severity == "warning" else ""
            sys.stderr.write(f"{prefix}{message}\n")
            sys.stderr.flush()

    return log


def serve(args: list[str], version: str, provider: AepProvider) -> None:
    """What `pulumi.provider.experimental.server.main` does, with the guarded servicer: print
    the port for the engine, then serve until the engine ends the process."""
    parser = argparse.ArgumentParser(description="the aep Pulumi resource provider")
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--logflow", action="store_true")
    parser.add_argument("--logtostderr", action="store_true")
    known, _ = parser.parse_known_args(args)
    provider.engine_log = engine_logger(known.engine)

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = _Servicer(args, version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
