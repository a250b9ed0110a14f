"""The rule of each configuration value (org ids, sandboxes, URLs, credentials, scopes, the
retry budget, the expiry warning): `CHECKS[key](value, echo)` returns None or a verdict with
the reason and the fix, worded without naming where the value came from. The one set of
rules for every path: the provider applies them to stack config and each `aep:orgs` profile
(`resources/_config.py`), `ClientSettings` to its fields and `from_env` to the `AEP_*`
variables, and the resources' inputs take the org id and sandbox patterns from here.
Standard library only (the provider's import path reads it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .config import (
    DEFAULT_EXPIRY_WARNING_DAYS,
    DEFAULT_IMS_URL,
    DEFAULT_PLATFORM_URL,
    DEFAULT_RETRY_TIMEOUT_SECONDS,
    DEFAULT_SANDBOX,
    DEFAULT_SCOPES,
    SCOPE_RE,
    format_value,
    positive_seconds,
    split_scopes,
)

__all__ = [
    "CHECKS",
    "ORG_ID_RE",
    "PROFILE_NAME_RE",
    "SANDBOX_MAX",
    "SANDBOX_RE",
    "Bad",
    "Verdict",
    "quote",
    "retry_seconds",
    "scopes_of",
    "warning_days",
]

#: The defaults as written in stack config, shown in the fixes.
_SCOPES_TEXT = format_value(DEFAULT_SCOPES)
_RETRY_TEXT = format_value(DEFAULT_RETRY_TIMEOUT_SECONDS)

# The patterns below are used with fullmatch() (`$` would let a trailing newline through).
#: An IMS org id: letters and digits (24 hex digits on the real platform), then `@AdobeOrg`.
ORG_ID_RE = re.compile(r"[A-Za-z0-9]+@AdobeOrg")
#: A sandbox name (the `x-sandbox-name` header, and every sandbox input of the resources);
#: the reference pages give no stricter rule. The length limit is the provider's.
SANDBOX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
SANDBOX_MAX = 256
#: A profile name (what `org=` and `approve_as=` say).
PROFILE_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


# -- checks of single values -------------------------------------------------------------------
class Bad(NamedTuple):
    """What is wrong with a value, the fix, and a value to show in the fix: the corrected value
    (`exact`) or a generic example. Checkers only derive anything from the value when told they
    may `echo` it (never for secrets nor anything in aep:orgs)."""

    reason: str
    fix: str
    example: str | None = None
    exact: bool = False


Verdict = Bad | None


def quote(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _got(value: Any, echo: bool) -> str:
    return f" (got {quote(value)})" if echo else ""


def _text_defect(value: str) -> str | None:
    """What makes `value` unfit for an HTTP header: whitespace, control or non-ASCII chars."""
    if value != value.strip():
        return "has leading or trailing whitespace"
    if _CONTROL_OR_SPACE.search(value):
        return "contains whitespace or a control character"
    if not value.isascii():
        return "contains a non-ASCII character"
    return None


def _check_org_id(value: Any, echo: bool) -> Verdict:
    fix = "copy the organization id from the Adobe Developer Console project"
    if not isinstance(value, str):
        return Bad("must be a string", fix)
    defect = _text_defect(value)
    if defect:
        stripped = value.strip()
        if echo and ORG_ID_RE.fullmatch(stripped):
            return Bad(f"{defect}{_got(value, echo)}", "remove it", stripped, exact=True)
        return Bad(f"{defect}{_got(value, echo)}", "remove it")
    if ORG_ID_RE.fullmatch(value):
        return None
    fixed = value[:-9] + "@AdobeOrg"
    if value.lower().endswith("@adobeorg") and ORG_ID_RE.fullmatch(fixed):
        reason = f"must end in '@AdobeOrg' (that case){_got(value, echo)}"
        return Bad(reason, "fix the case", fixed, exact=True) if echo else Bad(reason, "fix it")
    return Bad(
        "is not an IMS org id (letters and digits, then '@AdobeOrg', like "
        f"'ABCDEF0123456789ABCDEF01@AdobeOrg'){_got(value, echo)}",
        fix,
    )


def _check_sandbox(value: Any, echo: bool) -> Verdict:
    fix = "give the sandbox's name (not its title)"
    if not isinstance(value, str):
        return Bad("must be a string", fix, DEFAULT_SANDBOX)
    if SANDBOX_RE.fullmatch(value) and len(value) <= SANDBOX_MAX:
        return None
    if SANDBOX_RE.fullmatch(value):
        return Bad(f"is longer than {SANDBOX_MAX} characters", fix, DEFAULT_SANDBOX)
    return Bad(
        f"is not a sandbox name (letters, digits, '-' and '_', starting with a letter or a "
        f"digit){_got(value, echo)}",
        fix,
        DEFAULT_SANDBOX,
    )


def _url_checker(default: str) -> Callable[[Any, bool], Verdict]:
    def check(value: Any, echo: bool) -> Verdict:
        write = "write it as scheme and host only"
        if not isinstance(value, str):
            return Bad("must be a string", write, default)
        if _CONTROL_OR_SPACE.search(value) or not value.isascii():
            return Bad("contains whitespace, a control or a non-ASCII character", write, default)
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises for a port that is not a number in range
        except ValueError:
            return Bad(f"is not a valid URL{_got(value, echo)}", write, default)
        if "@" in parts.netloc:
            # Never quoted: what is before the '@' is a user name and maybe a password.
            host = parts.netloc.rsplit("@", 1)[1]
            fix = "drop them (the client id and secret authenticate)"
            if echo and host and parts.scheme in ("http", "https"):
                return Bad(
                    "must not carry credentials ('user:password@')",
                    fix,
                    f"{parts.scheme}://{host}",
                    exact=True,
                )
            return Bad("must not carry credentials ('user:password@')", fix, default)
        if parts.scheme not in ("http", "https"):
            return Bad(f"is not an http(s) URL{_got(value, echo)}", write, default)
        if not parts.hostname:
            return Bad(f"has no host{_got(value, echo)}", write, default)
        base = f"{parts.scheme}://{parts.netloc}"
        extras = [
            name
            for name, present in (
                ("path", parts.path not in ("", "/")),
                ("query", "?" in value),
                ("fragment", "#" in value),
            )
            if present
        ]
        if extras:
            what = " and ".join(extras)
            seen = f" ({quote(value[len(base) :])})" if echo else ""
            reason = f"must be a host only but has a {what}{seen}"
            fix = f"drop the {what} (the client adds the API's own)"
            return Bad(reason, fix, base, exact=True) if echo else Bad(reason, fix, default)
        return None

    return check


def _check_credential(key: str) -> Callable[[Any, bool], Verdict]:
    def check(value: Any, _echo: bool) -> Verdict:
        # Never quoted: clientSecret and accessToken are secrets, and a clientId with a
        # defect may well be a secret pasted in the wrong place.
        again = "set it again without it"
        if not isinstance(value, str):
            return Bad("must be a string", "give it as text")
        if key == "accessToken" and value[:7].lower() == "bearer ":
            return Bad("starts with 'Bearer '", "give the token alone, without 'Bearer '")
        defect = _text_defect(value)
        if defect is None:
            return None
        if defect.startswith("has leading"):
            again += " (a copied newline or space comes along easily)"
        return Bad(f"{defect}, which an HTTP request cannot carry", again)

    return check


def _check_scopes(value: Any, echo: bool) -> Verdict:
    fix = "list scopes separated by commas"
    if isinstance(value, list | tuple) and not all(isinstance(v, str) for v in value):
        return Bad("must be a list of strings or a comma-separated string", fix, _SCOPES_TEXT)
    if not isinstance(value, str | list | tuple):
        return Bad("must be a comma-separated string", fix, _SCOPES_TEXT)
    items = split_scopes(value)
    if not items:
        return Bad("lists no scope", fix, _SCOPES_TEXT)
    bad = [s for s in items if not SCOPE_RE.fullmatch(s)]
    if bad:
        return Bad(
            f"has a malformed scope{_got(bad[0], echo)} (a scope is letters, digits and "
            "'_', '.', ':', '/', '-')",
            fix,
            _SCOPES_TEXT,
        )
    return None


def _check_retry_timeout(value: Any, echo: bool) -> Verdict:
    if retry_seconds(value) is None:
        return Bad(
            f"must be a positive number of seconds{_got(value, echo)}",
            f"give a number of seconds (the default is {_RETRY_TEXT}), or leave it unset",
            _RETRY_TEXT,
        )
    return None


def warning_days(value: Any) -> int | None:
    """A whole number of days, 0 or more, from a number or its text; None if it is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{1,5}", value):
            return None
        return int(value)
    if isinstance(value, int | float) and float(value).is_integer() and 0 <= value <= 99_999:
        return int(value)
    return None


def _check_warning_days(value: Any, echo: bool) -> Verdict:
    if warning_days(value) is None:
        return Bad(
            f"must be a whole number of days, 0 or more{_got(value, echo)}",
            f"give the days before expiry to warn from (the default is "
            f"{DEFAULT_EXPIRY_WARNING_DAYS}; 0 turns the warning off), or leave it unset",
            str(DEFAULT_EXPIRY_WARNING_DAYS),
        )
    return None


CHECKS: dict[str, Callable[[Any, bool], Verdict]] = {
    "platformUrl": _url_checker(DEFAULT_PLATFORM_URL),
    "imsUrl": _url_checker(DEFAULT_IMS_URL),
    "orgId": _check_org_id,
    "clientId": _check_credential("clientId"),
    "clientSecret": _check_credential("clientSecret"),
    "accessToken": _check_credential("accessToken"),
    "scopes": _check_scopes,
    "sandbox": _check_sandbox,
    "retryTimeoutSeconds": _check_retry_timeout,
    "expiryWarningDays": _check_warning_days,
}


def scopes_of(value: Any) -> tuple[str, ...]:
    return split_scopes(value if isinstance(value, list | tuple) else str(value))


def retry_seconds(value: Any) -> float | None:
    """A positive, finite number of seconds from a number or its text; None if it is not."""
    return positive_seconds(value)
