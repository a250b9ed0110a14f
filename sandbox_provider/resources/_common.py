"""What the five resources' lifecycles repeat: diffing inputs, waiting with progress, a read of
an object that is gone, adoption with `import_`, an update that only records, and the
platform's statuses (the client's enums, one source).

Kept small and free of API calls, so that each resource module still reads as its lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pulumi.dynamic import DiffResult, ReadResult

from sandbox_provider.client import (
    ExImError,
    ExImTimeoutError,
    HandshakeRequestType,
    HandshakeStatus,
    JobRequestType,
    JobStatus,
    NotFoundError,
    OperationFailedError,
    PackageStatus,
    PackageType,
    PackageVisibility,
    TransferRequestType,
    TransferStatus,
)
from sandbox_provider.client.timing import WAIT_SECONDS

from . import _claims, declare
from ._base import (
    CANCELLED,
    Inputs,
    interruptible,
    is_unknown,
    progress,
    wait_override,
)
from .declare import ADOPT_ID
from .errors import Cancelled, Ended, ProviderError, Unfinished, api_errors

if TYPE_CHECKING:
    from sandbox_provider.client import ExImClient

__all__ = [
    "HandshakeRequestType",
    "HandshakeStatus",
    "JobRequestType",
    "JobStatus",
    "PackageStatus",
    "PackageType",
    "PackageVisibility",
    "TransferRequestType",
    "TransferStatus",
    "ADOPT_ID",
    "Ended",
    "Partial",
    "StatusReporter",
    "adoption_missing",
    "changed",
    "declared_changes",
    "difference",
    "gone",
    "not_adoptable",
    "or_none",
    "recorded_inputs",
    "recorded_update",
    "wait_for",
    "wait_seconds",
]

T = TypeVar("T")


# -- diff --------------------------------------------------------------------------------------
def changed(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    keys: Iterable[str],
    defaults: Mapping[str, Any] | None = None,
    *,
    blank_is_unset: bool = False,
) -> list[str]:
    """The `keys` whose new value is unknown (a preview) or differs from the recorded one, in
    the order given. A missing value counts as its default; with `blank_is_unset`, None and
    "" are the same (an unset optional string)."""
    defaults = defaults or {}
    out = []
    for key in keys:
        new = news.get(key, defaults.get(key))
        if is_unknown(new):
            out.append(key)
            continue
        old = olds.get(key, defaults.get(key))
        differs = ((old or None) != (new or None)) if blank_is_unset else (old != new)
        if differs:
            out.append(key)
    return out


def declared_changes(
    model: type[Inputs], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(the changed inputs `model` declares `REPLACE`, those it declares `UPDATE`), an unset
    optional string the same as a blank one. An input updated in place that is left out
    counts as its default (a PublishedPackage's `visibility`)."""
    replaces = changed(olds, news, declare.replaced_by(model), blank_is_unset=True)
    updates = changed(
        olds, news, declare.updated_by(model), declare.defaults(model), blank_is_unset=True
    )
    return replaces, updates


def known_package_id(olds: Mapping[str, Any], news: Mapping[str, Any]) -> Mapping[str, Any]:
    """`news` with an unknown `package_id` taken as the recorded one when this run's diff of
    the Package holding it keeps it (an update in place): see `_claims`. A dynamic preview
    can't know an updated Package's outputs, and an unknown id would plan a replacement that
    `up` doesn't make."""
    if is_unknown(news.get("package_id")) and _claims.kept(_claims.PACKAGE, olds.get("package_id")):
        return {**news, "package_id": olds["package_id"]}
    return news


def sandbox_exists(client: ExImClient, sandbox: str) -> bool | None:
    """Whether `sandbox` is a sandbox of the client's org: every exim call names one in
    `x-sandbox-name`, and an unknown one is answered 404. None: the answer didn't say (an
    error other than 404)."""
    try:
        next(iter(client.list_packages(page_size=1, sandbox=sandbox)), None)
    except NotFoundError:
        return False
    except ExImError:
        return None
    return True


# -- resources whose inputs replace them but a few that only steer a wait ---------------------
def diff_by_declaration(
    model: type[Inputs],
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    *,
    status: str,
    failed: str,
) -> DiffResult:
    """The diff of a resource whose every input replaces it but the ones declared `UPDATE` (a
    missing input counts as its default), and that is replaced whatever the inputs once its
    recorded `status` is `failed`: an update recorded a run that made nothing, and only a
    new one (a create) can. An unknown `package_id` counts as known as `known_package_id`
    says."""
    news = known_package_id(olds, news)
    keys = sorted((set(olds) | set(news)) & set(model.model_fields) - {ADOPT_ID})
    differ = changed(olds, news, keys, declare.defaults(model))
    in_place = declare.updated_by(model)
    replaces = [k for k in differ if k not in in_place]
    if olds.get(status) == failed:
        replaces.append(status)
    return DiffResult(changes=bool(differ or replaces), replaces=replaces)


def recorded_update(
    model: type[Inputs], outs: dict[str, Any], news: Mapping[str, Any]
) -> dict[str, Any]:
    """The update of a resource `diff_by_declaration` updates in place: `outs` (the recorded
    outputs) with `news`' values of the inputs declared `UPDATE`. They steer how a wait runs,
    not what the object is, so nothing is sent."""
    for key in declare.updated_by(model):
        outs.pop(key, None)
        if news.get(key) is not None:
            outs[key] = news[key]
    return outs


def recorded_inputs(model: type[Inputs], olds: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs among recorded state: what a read answers as the inputs when the platform
    doesn't tell them (they are the program's, as last applied)."""
    return {k: v for k, v in olds.items() if k in model.model_fields}


# -- adoption ----------------------------------------------------------------------------------
def adoption_missing(kind: str) -> str:
    """The fix for a 404 on the id given to import_."""
    return (
        f"check the id given to import_ (a {kind} of the org `org` acts as), or remove "
        f"import_ to create the {kind}"
    )


def difference(prop: str, platform: Any, program: Any) -> str:
    """One difference between an object and the program, as adoption failures name them."""
    return f"{prop} is {platform!r} on the platform, {program!r} in the program"


def not_adoptable(what: str, differences: Sequence[str]) -> ProviderError:
    """An adoption refused: each difference, then the fix."""
    return ProviderError(
        f"{what} failed: the program's inputs do not match it: "
        + "; ".join(differences)
        + ". Change the program to match (or adopt, then change it in a later update)"
    )


# -- read --------------------------------------------------------------------------------------
def gone() -> ReadResult:
    """What `read` answers for an object that no longer exists: the engine drops it."""
    return ReadResult(id_="", outs={})


def or_none(fetch: Callable[[], T]) -> T | None:
    """`fetch()`, or None when the platform knows no such object (a 404)."""
    try:
        return fetch()
    except NotFoundError:
        return None


# -- waits -------------------------------------------------------------------------------------
def wait_seconds(inputs: Mapping[str, Any]) -> float:
    """A wait's own deadline: the engine's custom timeout for this call (the plugin's; custom
    timeouts never reach a dynamic provider), else `timeout_seconds`, else the default."""
    override = wait_override()
    if override:
        return override
    return float(inputs.get("timeout_seconds") or WAIT_SECONDS)


class StatusReporter(Generic[T]):
    """The `progress=` callback of the client's waits: one progress line per status change,
    and the last status seen, for the message of a wait that times out."""

    def __init__(self, status: Callable[[T], str | None], line: Callable[[T, str], str]) -> None:
        self._status = status
        self._line = line
        self.last: str | None = None
        #: The object of the last poll (None before the first): what a wait cut short had.
        self.seen: T | None = None

    def __call__(self, seen: T) -> None:
        if CANCELLED.is_set():
            # A cancelled wait stops polling here (`interruptible` already answered).
            raise Cancelled("the wait was cancelled")
        self.seen = seen
        status = self._status(seen)
        if status != self.last:
            self.last = status
            progress(self._line(seen, str(status)))


#: `(the last object seen, None before the first poll)` -> `(id, outputs)` of the object a
#: wait is for, as far as it is known: what `Unfinished` records when the wait is cut short.
Partial = Callable[[Any], tuple[str | None, Mapping[str, Any]]]


def wait_for(
    wait: Callable[[StatusReporter[T]], T],
    report: StatusReporter[T],
    *,
    what: str,
    org: str | None,
    timeout: float,
    still: str,
    failed: Callable[[OperationFailedError], str],
    partial: Partial | None = None,
    record_failure: bool = False,
) -> T:
    """`wait(report)` (a client wait), its failures worded, ended at once by a cancel.

    Timed out: "... did not finish within Ns (last status S): <still>; raise <the limit>".
    Ended in a failed state: `Ended` with `failed(exc)` (the object made nothing); with
    `record_failure` (an update finishing a create) `Unfinished` instead, so that the state
    keeps the failure for the next diff. With `partial` (the object exists: this run or an
    earlier one made it), any other failure of the wait (timeout, cancel, the API) is
    `Unfinished` with the object's id and outputs and the same text: the plugin records it
    and the next update finishes it. With no id known yet it stays a plain error."""

    def unfinished(message: str, seen: Any) -> ProviderError:
        id_, outs = partial(seen) if partial is not None else (None, {})
        return Unfinished(message, id_, outs) if id_ else ProviderError(message)

    try:
        with api_errors(what, org=org):
            try:
                return interruptible(lambda: wait(report), what)
            except OperationFailedError as exc:
                message = failed(exc)
                if record_failure:
                    seen = exc.last_seen if exc.last_seen is not None else report.seen
                    raise unfinished(message, seen) from None
                raise Ended(message) from None
            except ExImTimeoutError:
                limit = "customTimeouts" if wait_override() else "timeout_seconds"
                raise ProviderError(
                    f"{what} did not finish within {timeout:g}s (last status {report.last}): "
                    f"{still}; raise {limit}"
                ) from None
            except Cancelled:
                raise ProviderError(
                    f"{what} was cancelled while waiting (last status {report.last}): run "
                    "`pulumi up` again to keep waiting"
                ) from None
    except (Unfinished, Ended):
        raise
    except ProviderError as exc:
        if partial is None:
            raise
        raise unfinished(str(exc), report.seen) from None
