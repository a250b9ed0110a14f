"""Serving `AepProvider` over gRPC: the SDK's experimental servicer, with clean errors.

The SDK's `ProviderServicer` (3.259.0) lets an exception of a provider method escape to
grpc, which reports it as "Unexpected <class ...>: ..." with the exception's repr. The
dynamic providers' failures read as one line saying what failed, why and the fix; here each
method's failure is sent as exactly that text (`str(exc)`), so both print the same message.
Anything unexpected also writes its traceback to the plugin's stderr, for the engine log.
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
from pulumi.runtime.proto import provider_pb2_grpc

from .provider import AepProvider

__all__ = ["serve"]

_GUARDED = ("CheckConfig", "Configure", "Check", "Diff", "Create", "Read", "Update", "Delete")


def _expected(exc: BaseException) -> bool:
    from sandbox_provider.resources._config import ConfigError
    from sandbox_provider.resources._errors import ProviderError

    return isinstance(exc, ProviderError | ConfigError)


def _guard(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def guarded(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await method(self, request, context)
        except Exception as exc:
            if not _expected(exc):
                traceback.print_exc(file=sys.stderr)
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


def serve(args: list[str], version: str, provider: AepProvider) -> None:
    """What `pulumi.provider.experimental.server.main` does, with the guarded servicer: print
    the port for the engine, then serve until the engine ends the process."""
    parser = argparse.ArgumentParser(description="the aep Pulumi resource provider")
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--logflow", action="store_true")
    parser.add_argument("--logtostderr", action="store_true")
    known, _ = parser.parse_known_args(args)

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
