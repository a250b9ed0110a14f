"""The report of a `check-live` run: the outcome of each call, and the report as text."""

from __future__ import annotations

from dataclasses import dataclass, field

from .shape import FieldFinding

__all__ = ["FAILED", "GONE", "OK", "SKIPPED", "UNPARSED", "CallCheck", "LiveReport", "render"]

# -- outcomes of one call ----------------------------------------------------------------------
OK = "ok"
#: The call failed (an error status, no answer, the token refused).
FAILED = "failed"
#: The call answered, but not in a shape the client's model reads.
UNPARSED = "unparsed"
#: Nothing to call it on (no package or job listed), or an earlier step failed.
SKIPPED = "skipped"
#: The route doesn't answer (404/405): only for the `/tools/artifacts` probe.
GONE = "gone"


# -- the report --------------------------------------------------------------------------------
@dataclass
class CallCheck:
    """One call of the check and what its answer showed."""

    name: str
    #: "GET /packages?...": the method and path under /data/foundation/exim.
    request: str
    outcome: str = SKIPPED
    detail: str = ""
    #: False for the `/tools/artifacts` probe: its outcome never fails the command.
    required: bool = True
    fields: list[FieldFinding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.required and self.outcome in (FAILED, UNPARSED)


@dataclass
class LiveReport:
    platform_url: str
    org_id: str
    sandbox: str | None
    checks: list[CallCheck] = field(default_factory=list)

    @property
    def failed(self) -> list[CallCheck]:
        return [c for c in self.checks if c.failed]

    @property
    def news(self) -> list[tuple[CallCheck, FieldFinding]]:
        """Fields missing or unknown that the pages don't explain (required calls only)."""
        return [(c, f) for c in self.checks if c.required for f in c.fields if f.news]

    def exit_code(self, *, strict: bool = False) -> int:
        """0 when every call answered and parsed; 1 when one failed or didn't parse, and
        with `strict` also when a field is missing or unknown to us (`FieldFinding.news`)."""
        if self.failed:
            return 1
        return 1 if strict and self.news else 0


# -- text --------------------------------------------------------------------------------------
_MARK = {OK: "ok", FAILED: "FAILED", UNPARSED: "UNPARSED", SKIPPED: "skipped", GONE: "gone"}


def render(report: LiveReport, *, strict: bool = False) -> str:
    """The report as plain text, one block per call, then the verdict."""
    lines = [
        f"check-live: {report.platform_url}, org {report.org_id}, "
        f"sandbox {report.sandbox or '(the platform default)'}",
        "Read-only: GET calls only under /data/foundation/exim (the token request is IMS).",
        "",
    ]
    for check in report.checks:
        mark = _MARK.get(check.outcome, check.outcome)
        if not check.required and check.outcome != OK:
            mark += " (not a failure)"
        lines.append(f"[{mark}] {check.name}: {check.request}".rstrip(": "))
        if check.detail:
            lines.append(f"    {check.detail}")
        groups = (
            ("unknown to us", [f for f in check.fields if f.kind == "unknown" and f.news]),
            (
                "unknown to us, shown on the pages",
                [f for f in check.fields if f.kind == "unknown" and not f.news],
            ),
            ("missing (the pages show it)", [f for f in check.fields if f.kind == "missing"]),
        )
        for title, found in groups:
            if found:
                lines.append(f"    {title}: " + ", ".join(str(f) for f in found))
    lines.append("")
    failed = report.failed
    news = report.news
    if failed:
        verdict = "FAILED: " + ", ".join(c.name for c in failed)
    else:
        verdict = "every call answered and parsed"
    if news:
        verdict += f"; {len(news)} field(s) missing or unknown to us"
        verdict += " (--strict: a failure)" if strict else " (reported, not a failure)"
    lines.append(f"Result: {verdict}; exit code {report.exit_code(strict=strict)}")
    return "\n".join(lines) + "\n"
