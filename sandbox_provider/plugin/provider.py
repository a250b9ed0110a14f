"""The `aep` provider: the protocol's methods over the resources' core.

Each method turns the request's PropertyValues into the plain snake_case values the core's
provider classes (`PackageProvider`, ...) take, calls the same method the dynamic provider
calls, and turns the result back. The core's methods block (HTTP calls, waits), so they run in
a thread pool sized for the engine's parallelism: the event loop of the gRPC server stays free
and resources run side by side.

Configuration goes through `BaseProvider.configure`, the dynamic providers' own path, so both
build the same settings from the same `aep:*` keys (and `AEP_*` variables when a key is unset).
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.dynamic import ConfigureRequest as DynamicConfigureRequest
from pulumi.dynamic.config import Config as DynamicConfig
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue

from sandbox_provider.client.config import KEYS, NAMESPACE

from . import invoke
from .diffs import detailed_diff
from .previews import planned_create, planned_update, to_properties
from .schema import ResourceSpec, by_token, schema_json
from .values import camel, from_plain_map, secret_keys, to_plain, to_plain_map

__all__ = ["WORKERS", "AepProvider", "EngineLog", "InitFailed"]

#: Threads for the core's blocking calls: at least the engine's parallelism (its default is
#: far above the 4 the dynamic provider server has), so no resource waits for a thread.
WORKERS = 64

T = TypeVar("T")

#: `(urn, severity, message)` -> the engine's log, attached to that resource (server.py).
EngineLog = Callable[[str, str, str], None]


class InitFailed(Exception):
    """A create or update that made its object but did not finish it: the servicer answers
    with the protocol's `ErrorResourceInitFailed` (the id, the properties, the reason), so
    the engine records the object and the next `up` calls Update to finish it."""

    def __init__(self, resource_id: str, properties: dict[str, PropertyValue], reason: str):
        super().__init__(reason)
        self.resource_id = resource_id
        self.properties = properties
        self.reason = reason


_CONFIG_KEYS = {k.key for k in KEYS}
_SECRET_KEYS = {k.key for k in KEYS if k.secret}
#: `artifacts[0].type`, `alternatives.acme-seg-gold.id`: the first name is the property.
_FIRST_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")


def failure_path(path: str) -> str:
    """A core failure's property path with the property in the schema's camelCase (nested
    names are data or single words, left as they are)."""
    return _FIRST_NAME.sub(lambda m: camel(m.group(0)), path, count=1)


def config_from(request: p.ConfigureRequest) -> dict[str, Any]:
    """`aep:<key>` -> value from a Configure request: the stack config's variables
    (`aep:clientId`, or `aep:config:clientId`), then the provider's inputs (an explicit
    `aep.Provider(...)`), which win. Values stay as the dynamic provider receives them:
    text, or JSON text for `orgs`."""
    values: dict[str, Any] = {}
    for name, text in request.variables.items():
        key = name.split(":")[-1]
        if name.startswith(f"{NAMESPACE}:") and key in _CONFIG_KEYS:
            values[f"{NAMESPACE}:{key}"] = text
    for key, value in request.args.items():
        if key not in _CONFIG_KEYS:
            continue
        plain = to_plain(value)
        if plain is None or plain == "":
            continue
        if isinstance(plain, Mapping | list) and key == "orgs":
            plain = json.dumps(plain)
        values[f"{NAMESPACE}:{key}"] = plain
    return values


class AepProvider(p.Provider):
    """The five resources of the schema, served from their core provider classes."""

    def __init__(self, version: str, workers: int = WORKERS) -> None:
        self._version = version
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aep")
        self._cores: dict[str, Any] = {}
        #: The engine's log (set by `serve`); None: progress goes to stderr as in dynamic.
        self.engine_log: EngineLog | None = None

    async def _run(self, fn: Callable[..., T], *args: Any, urn: str = "", timeout: float = 0) -> T:
        """`fn(*args)` in the pool, its progress on the engine's log for `urn` and its waits
        bounded by the engine's custom `timeout` (seconds; 0: none given)."""
        from sandbox_provider.resources import call_scope

        log = self.engine_log
        reporter = None
        if log is not None and urn:
            reporter = functools.partial(log, urn)

        def scoped() -> T:
            with call_scope(reporter, timeout, urn):
                return fn(*args)

        return await asyncio.get_running_loop().run_in_executor(self._pool, scoped)

    def _core(self, token: str) -> tuple[ResourceSpec, Any]:
        # The SDK's servicer reads the type from the URN, whose type part names the parents'
        # types too for a component's child (`aep:index:Promotion$aep:index:ImportJob`).
        token = token.rsplit("$", 1)[-1]
        spec = by_token(token)
        if spec is None:
            raise ValueError(
                f"unknown resource type {token!r}: this provider serves "
                "aep:index:Package, PublishedPackage, ImportJob, Handshake, Transfer"
            )
        core = self._cores.get(token)
        if core is None:
            core = self._cores[token] = spec.provider_class()
        return spec, core

    # -- schema and configuration -----------------------------------------------------------------
    async def get_schema(self, request: p.GetSchemaRequest) -> p.GetSchemaResponse:
        return p.GetSchemaResponse(schema=schema_json(self._version))

    async def check_config(self, request: p.CheckRequest) -> p.CheckResponse:
        # The engine sends CheckConfig before Configure has said secrets are accepted, so the
        # credentials arrive in plain text; sent back unmarked they would be recorded and
        # logged as plain text. Mark every secret key secret again, whatever its source.
        inputs = {
            k: v.with_secret(True) if k in _SECRET_KEYS else v
            for k, v in request.new_inputs.items()
        }
        return p.CheckResponse(inputs=inputs)

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        from sandbox_provider.resources import BaseProvider

        config = config_from(request)
        await self._run(
            BaseProvider().configure, DynamicConfigureRequest(DynamicConfig(config, NAMESPACE))
        )
        # Secrets stay wrapped on the wire and in the engine's log. Previews ask create and
        # update for their plan (previews.py): the outputs an update keeps stay known, so
        # what is built on them isn't planned as replaced.
        return p.ConfigureResponse(accept_secrets=True, supports_preview=True)

    # -- check / diff ------------------------------------------------------------------------------
    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        from sandbox_provider.resources import remember_inputs

        _, core = self._core(request.type)
        olds, news = to_plain_map(request.old_inputs), to_plain_map(request.new_inputs)
        # A create of this URN after a check that showed its record is a replacement: the
        # core tells its own old object from a stranger's by it (_claims).
        remember_inputs(request.urn, olds)
        result = await self._run(core.check, olds, news, urn=request.urn)
        failures = [p.CheckFailure(failure_path(f.property), f.reason) for f in result.failures]
        secret = secret_keys(request.new_inputs)
        return p.CheckResponse(inputs=from_plain_map(result.inputs, secret), failures=failures)

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        spec, core = self._core(request.type)
        olds, news = to_plain_map(request.old_state), to_plain_map(request.new_inputs)
        result = await self._run(core.diff, request.resource_id, olds, news, urn=request.urn)
        replaces = [camel(k) for k in result.replaces or []]
        detailed: dict[str, p.PropertyDiff] = {}
        if result.changes:
            # Only what the program sets: an unset input (expiry) is still an output.
            detailed = detailed_diff(spec.input_names(), olds, news, replaces)
        # `diffs` names top-level properties; `artifacts[2]` is a change of `artifacts`.
        diffs = list(dict.fromkeys(k.split("[")[0].split(".")[0] for k in detailed))
        return p.DiffResponse(
            changes=bool(result.changes),
            replaces=replaces,
            delete_before_replace=bool(result.delete_before_replace),
            diffs=diffs,
            detailed_diff=detailed,
        )

    # -- create / read / update / delete --------------------------------------------------------
    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        from sandbox_provider.resources.errors import Unfinished

        spec, core = self._core(request.type)
        secret = secret_keys(request.properties)
        if request.preview:  # a plan, no call
            plan = planned_create(spec, to_plain_map(request.properties))
            return p.CreateResponse("", to_properties(plan, secret))
        try:
            result = await self._run(
                core.create,
                to_plain_map(request.properties),
                urn=request.urn,
                timeout=request.timeout,
            )
        except Unfinished as exc:
            raise InitFailed(exc.id, from_plain_map(exc.outs, secret), str(exc)) from None
        return p.CreateResponse(result.id, from_plain_map(result.outs or {}, secret))

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        _, core = self._core(request.type)
        props = to_plain_map(request.properties)
        result = await self._run(core.read, request.resource_id, props, urn=request.urn)
        if not result.id:  # gone: the engine drops it from the stack
            return p.ReadResponse(resource_id="")
        secret = secret_keys(request.properties) | secret_keys(request.inputs)
        inputs = (
            from_plain_map(result.inputs, secret)
            if result.inputs is not None
            else dict(request.inputs)
        )
        return p.ReadResponse(result.id, from_plain_map(result.outs or {}, secret), inputs)

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        from sandbox_provider.resources.errors import Unfinished

        spec, core = self._core(request.type)
        olds, news = to_plain_map(request.olds), to_plain_map(request.news)
        secret = secret_keys(request.news)
        if request.preview:  # a plan, no call
            plan = planned_update(spec, olds, news)
            return p.UpdateResponse(to_properties(plan, secret | secret_keys(request.olds)))
        try:
            result = await self._run(
                core.update,
                request.resource_id,
                olds,
                news,
                urn=request.urn,
                timeout=request.timeout,
            )
        except Unfinished as exc:
            # Still not finished: the object stays recorded as failed to initialize.
            outs = from_plain_map(exc.outs, secret)
            raise InitFailed(request.resource_id, outs, str(exc)) from None
        return p.UpdateResponse(from_plain_map(result.outs or {}, secret))

    async def delete(self, request: p.DeleteRequest) -> None:
        _, core = self._core(request.type)
        await self._run(
            core.delete,
            request.resource_id,
            to_plain_map(request.properties),
            urn=request.urn,
            timeout=request.timeout,
        )

    # -- invokes: the lookup functions (invoke.py) ------------------------------------------------
    async def construct(self, request: p.ConstructRequest) -> p.ConstructResponse:
        from sandbox_provider.resources.errors import ProviderError

        from .component import COMPONENTS, construct

        if request.resource_type not in COMPONENTS:
            raise ProviderError(f"unknown component type {request.resource_type!r}")
        return await construct(request)

    async def invoke(self, request: p.InvokeRequest) -> p.InvokeResponse:
        return await self._run(invoke.invoke, request)

    async def cancel(self) -> None:
        # The engine cancels the whole provider (Ctrl-C): every wait ends now, and no new one
        # starts; the process ends soon after.
        from sandbox_provider.resources import cancel

        cancel()
