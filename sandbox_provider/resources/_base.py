"""What the five providers share: configure, clients per profile, input checks, errors, waits.

The provider objects are pickled into the state by `pulumi.dynamic.Resource` (dill, by
reference because the classes live in this installed package). So the instance holds nothing:
`configure()` puts the stack settings in `_config`'s module registry, and API clients are
built on first use and cached here per profile, both behind locks because the provider
process serves four threads with one provider instance.
"""

from __future__ import annotations

import contextvars
import sys
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_args, get_origin

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    ResourceProvider,
)
from pulumi.runtime import rpc
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from . import _config
from ._config import Profile
from ._wording import Problem, pair_misnamed, unwrap, word
from .declare import ADOPT_ID, Inputs
from .errors import GONE, Cancelled, ConfigError, ProviderError, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient, RetryPolicy

__all__ = ["GONE", "ProviderError", "api_errors"]

T = TypeVar("T")


# -- stderr: progress and warnings reach the CLI output (there is no engine logger here) -------
_OUT_LOCK = threading.Lock()

#: Where `progress` and `warn` go instead of stderr for the call running in this context:
#: `(severity, message)`, severity "info" or "warning". The plugin sets it per request to the
#: engine's log with the resource's URN; the dynamic provider never sets it.
Reporter = Callable[[str, str], None]
_REPORTER: contextvars.ContextVar[Reporter | None] = contextvars.ContextVar(
    "aep_reporter", default=None
)
#: The URN of the resource whose call runs in this context; "" when the call carries none (a
#: dynamic provider's calls never do).
_URN: contextvars.ContextVar[str] = contextvars.ContextVar("aep_urn", default="")
#: The engine's custom timeout for the call running in this context (seconds), which bounds
#: its waits instead of `timeout_seconds`; None: not given (always so for a dynamic provider).
_WAIT_OVERRIDE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "aep_wait_override", default=None
)


def _report(severity: str, message: str) -> None:
    reporter = _REPORTER.get()
    if reporter is not None:
        reporter(severity, f"aep: {message}")
        return
    # The CLI shows a dynamic provider's stderr as it is: the severity goes in the text.
    label = "warning: " if severity == "warning" else ""
    with _OUT_LOCK:
        sys.stderr.write(f"{label}aep: {message}\n")
        sys.stderr.flush()


def progress(message: str) -> None:
    _report("info", message)


def warn(message: str) -> None:
    _report("warning", message)


#: What this provider process has already warned about (`first_time`): the engine asks a
#: check or a diff more than once in one command (a refresh, the plan, then `up`).
_WARNED: set[Hashable] = set()
_WARNED_LOCK = threading.Lock()


def first_time(key: Hashable) -> bool:
    """True the first time `key` is seen by this provider process, False after."""
    with _WARNED_LOCK:
        seen = key in _WARNED
        _WARNED.add(key)
    return not seen


def warn_once(message: str) -> None:
    """`warn(message)`, once per provider process."""
    if first_time(("warn", message)):
        warn(message)


@contextmanager
def call_scope(
    reporter: Reporter | None = None, timeout: float | None = None, urn: str = ""
) -> Iterator[None]:
    """Run one provider call with its own progress destination, wait deadline and resource
    (see `_REPORTER`, `_WAIT_OVERRIDE`, `_URN`); a timeout of 0 or None leaves the
    resource's own."""
    tokens = (_REPORTER.set(reporter), _WAIT_OVERRIDE.set(timeout or None), _URN.set(urn))
    try:
        yield
    finally:
        _URN.reset(tokens[2])
        _WAIT_OVERRIDE.reset(tokens[1])
        _REPORTER.reset(tokens[0])


def current_urn() -> str:
    """The URN of the resource whose call runs in this context ("" when not known)."""
    return _URN.get()


def wait_override() -> float | None:
    """The custom timeout of the call in this context, if the engine gave one."""
    return _WAIT_OVERRIDE.get()


# -- cancellation ------------------------------------------------------------------------------
#: Set once the engine cancels (Ctrl-C): every wait in progress ends and no new one starts.
#: Process-wide because the engine cancels the whole provider, not one call.
CANCELLED = threading.Event()
#: Wakes the waits in progress (each registers one event) the moment cancel() is called.
_WAKERS: set[threading.Event] = set()
_WAKERS_LOCK = threading.Lock()


def cancel() -> None:
    """Cancel every wait, now and from now on (the engine's Cancel)."""
    CANCELLED.set()
    with _WAKERS_LOCK:
        for event in _WAKERS:
            event.set()


def interruptible(call: Callable[[], T], what: str) -> T:
    """`call()` (a wait), ended at once by `cancel()` with `Cancelled`.

    The client's waits sleep between polls (up to 10 s); to answer a cancel without waiting
    for the next poll, the wait runs in a thread of its own (the context copied, so its
    deadline and reporter hold there) and this one returns as soon as either finishes. A
    cancelled wait's thread stops at its next poll (`StatusReporter` checks `CANCELLED`)."""
    if CANCELLED.is_set():
        raise Cancelled(f"{what} was cancelled before it started")
    done = threading.Event()
    box: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            box["value"] = context.run(call)
        except BaseException as exc:  # handed to the caller's thread as it is
            box["error"] = exc
        finally:
            done.set()

    with _WAKERS_LOCK:
        _WAKERS.add(done)
    try:
        threading.Thread(target=run, name="aep-wait", daemon=True).start()
        done.wait()
    finally:
        with _WAKERS_LOCK:
            _WAKERS.discard(done)
    if "error" in box:
        if isinstance(box["error"], Cancelled) and CANCELLED.is_set():
            # The wait's own poll saw the cancel first: the same cancel, worded as this one.
            raise Cancelled(f"{what} was cancelled") from None
        raise box["error"]
    if "value" not in box:  # woken by cancel() before the wait finished
        raise Cancelled(f"{what} was cancelled")
    return box["value"]


# -- clients, one per profile ------------------------------------------------------------------
#: How hard each API call tries; None: the client's default `RetryPolicy()`, whose `deadline`
#: (300 s) is the retry budget of a call unless `aep:retryTimeoutSeconds` (or a profile's)
#: says otherwise. Tests set a shorter one to fail fast.
RETRY: RetryPolicy | None = None

_CLIENTS: dict[Profile, ExImClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(org: str | None) -> ExImClient:
    """The client acting as profile `org` (None: the default profile); built once."""
    profile = _config.resolve(org)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(profile)
        if client is None:
            # Imported here, not at the top: a program and a preview never need the wire
            # (httpx, tenacity, the models), and the provider's import path stays quick.
            from sandbox_provider.client import ClientSettings, ExImClient, RetryPolicy

            # A profile's fields are client settings, but for its name and its retry budget
            # (the policy's deadline); the settings refuse a field they don't have.
            given = {f.name: getattr(profile, f.name) for f in fields(profile)}
            del given["name"], given["retry_timeout"]
            retry = (RETRY or RetryPolicy()).with_deadline(profile.retry_timeout)
            client = ExImClient.from_settings(ClientSettings(**given, retry=retry))
            _CLIENTS[profile] = client
        return client


def forget_clients() -> None:
    with _CLIENTS_LOCK:
        _CLIENTS.clear()


# -- unknowns (preview) ------------------------------------------------------------------------
def is_unknown(value: Any) -> bool:
    """True when the value, or anything inside it, is not known yet (a preview)."""
    if isinstance(value, pulumi.output.Unknown) or value == rpc.UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


# -- input checks ------------------------------------------------------------------------------
M = TypeVar("M", bound=Inputs)


def _problems(exc: PydanticValidationError, prefix: tuple[int | str, ...] = ()) -> list[Problem]:
    return [
        Problem((*prefix, *err["loc"]), err["type"], err["msg"], err.get("input"))
        for err in exc.errors()
    ]


def _partly_known(model: type[Inputs], name: str, value: Any) -> list[Problem]:
    """Check the known entries of a list or dict input holding unknown values (a preview):
    entries wholly unknown, and unknown keys of an entry, pass unchecked."""
    annotation = unwrap(model.model_fields[name].annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and isinstance(value, list | tuple):
        entries: list[tuple[int | str, Any]] = list(enumerate(value))
        item_type = args[0]
    elif origin is dict and isinstance(value, Mapping):
        entries = [(k, v) for k, v in value.items() if isinstance(k, str)]
        item_type = args[1]
    else:
        return []
    adapter: TypeAdapter[Any] = TypeAdapter(item_type)
    problems: list[Problem] = []
    if origin is dict:
        keys: TypeAdapter[Any] = TypeAdapter(args[0])
        for key, _ in entries:
            try:
                keys.validate_python(key)
            except PydanticValidationError as exc:
                problems += [Problem((name, key, "[key]"), p.type, p.msg) for p in _problems(exc)]
    for key, item in entries:
        unknown_keys: set[str] = set()
        if isinstance(item, Mapping):
            unknown_keys = {k for k, v in item.items() if is_unknown(v)}
            item = {k: v for k, v in item.items() if k not in unknown_keys}
        if is_unknown(item):
            continue
        try:
            adapter.validate_python(item)
        except PydanticValidationError as exc:
            problems += [
                p
                for p in _problems(exc, (name, key))
                if not (p.type == "missing" and p.loc[2:3] and p.loc[2] in unknown_keys)
            ]
    return problems


def validate(model: type[M], news: Mapping[str, Any]) -> tuple[M | None, CheckResult]:
    """Validate `news`; unknown values pass through untouched and unvalidated.

    Each mistake is one failure naming the exact property (`artifacts[0].type`,
    `alternatives.acme-seg-gold.id`) and one fix.
    """
    props = {k: v for k, v in news.items() if not k.startswith("__")}
    unknown = {k for k, v in props.items() if is_unknown(v)}
    fields = model.model_fields
    known = {k: v for k, v in props.items() if k not in unknown and k in fields and v is not None}
    problems = [Problem((k,), "extra_forbidden") for k in props if k not in fields]
    problems += [Problem((k,), "missing") for k in model.REQUIRED if props.get(k) is None]
    parsed: M | None = None
    try:
        parsed = model.model_validate(known)
    except PydanticValidationError as exc:
        problems += _problems(exc)
    for name in sorted(unknown & set(fields)):
        problems += _partly_known(model, name, props[name])
    failures: list[CheckFailure] = []
    for problem in pair_misnamed(problems):
        path, reason = word(model, problem)
        if not any(f.property == path and f.reason == reason for f in failures):
            failures.append(CheckFailure(path, reason))
    if parsed is None or any(p.type != "missing" for p in problems):
        return None, CheckResult(dict(news), failures)
    failures += parsed.cross_check(unknown)
    if "org" not in unknown:
        failures += config_failures(parsed.org)
    inputs = parsed.to_inputs()
    for k in unknown & set(fields):
        inputs[k] = props[k]
    return parsed, CheckResult(inputs, failures)


def config_failures(org: str | None, prop: str = "org") -> list[CheckFailure]:
    """Every configuration problem that would stop acting as `org`, one check failure each
    (none exactly when `_config.resolve(org)` succeeds)."""
    found: list[ConfigError] = _config.problems(org)
    # A named profile's problem belongs to the property that picked it; a default-profile
    # problem to no property (the engine then prints the reason alone).
    return [CheckFailure(prop if org else "", str(exc)) for exc in found]


def same(a: Any, b: Any) -> bool:
    """Equality where None and "" (an unset optional string) are the same."""
    return (a or None) == (b or None)


# -- the provider base ---------------------------------------------------------------------------
class BaseProvider(ResourceProvider):
    """configure() and nothing else on the instance: see the module docstring.

    Every resource's check validates the program's inputs against its input model
    (`INPUTS`); its create is an adoption when `import_` gave an id (`_adopt`), else its own
    (`_create`): both get the inputs without the engine's private keys."""

    INPUTS: ClassVar[type[Inputs]]

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        _, result = validate(self.INPUTS, news)
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.strip(props)
        if inputs.get(ADOPT_ID):
            return self._adopt(inputs)
        return self._create(inputs)

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        raise NotImplementedError

    def _adopt(self, inputs: dict[str, Any]) -> CreateResult:
        raise NotImplementedError

    def configure(self, req: ConfigureRequest) -> None:
        values = {
            f"{_config.NAMESPACE}:{key}": req.config.get(f"{_config.NAMESPACE}:{key}")
            for key in _config.ENV_VARS
        }
        if _config.set_stack_config(values):
            # New settings may change what a profile means; clients are rebuilt on next use.
            forget_clients()

    @staticmethod
    def client(org: str | None) -> ExImClient:
        return client_for(org)

    @staticmethod
    def strip(props: Mapping[str, Any]) -> dict[str, Any]:
        """Props without the engine's private keys (the serialized provider)."""
        return {k: v for k, v in props.items() if not k.startswith("__")}

    def live(self, what: str, olds: Mapping[str, Any], get: Callable[[ExImClient], T]) -> T | None:
        """`get(client)`, the object as the platform holds it now, for a read (a refresh) of
        `what` as `olds`' org; None when the platform no longer has it (the read answers
        `gone()`). Any other failure is worded as every read's."""
        from sandbox_provider.client import NotFoundError  # the wire: only once a call runs

        org = olds.get("org")
        client = self.client(org)
        with api_errors(f"reading {what}", org=org):
            try:
                return get(client)
            except NotFoundError:
                return None
