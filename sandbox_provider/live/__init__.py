"""`sandbox-provider check-live`: the client's models against a real org's answers.

Read-only: every exim call is a GET (list packages, look one up, list jobs, `/tools/job` of
the newest, and a probe of the older `/tools/artifacts/{TYPE}` route). The one POST is the
IMS token request (`/ims/token/v3`, on the IMS host), which is authentication, not an exim
write; with `AEP_ACCESS_TOKEN` there is none.

Each answer is parsed with the client's model and compared with it, generically (the
declared fields, their wire names and the nested models, lists and maps of models):

- a key the model doesn't declare (it lands in `model_extra`) is *unknown to us*; the pages'
  examples show some of these already (`tenantId` of a package, `ALSO_SHOWN`), which the
  report says apart: those are known, just not modelled;
- a declared field the answer lacks is *missing*, reported only when the pages' example
  answer shows it (`DOCUMENTED`, checked against the examples copied under
  `tests/data/pages_examples/`): an optional field no page shows says nothing when absent.

`check_live()` makes the calls and returns a `LiveReport`; `render()` writes it as text.
Nothing here prints a secret: neither the client secret nor the token reaches the report.

The modules: `documented` (what the pages show, the model of each answer), `shape` (one answer
against its model), `calls` (the calls, `run_checks`) and `report` (outcomes, `render`).
"""

from __future__ import annotations

from .calls import check_live, run_checks
from .documented import ALSO_SHOWN, DOCUMENTED, MODELS
from .report import FAILED, GONE, OK, SKIPPED, UNPARSED, CallCheck, LiveReport, render
from .shape import FieldFinding, Shape, check_answer, shape_of

__all__ = [
    "ALSO_SHOWN",
    "DOCUMENTED",
    "FAILED",
    "GONE",
    "MODELS",
    "OK",
    "SKIPPED",
    "UNPARSED",
    "CallCheck",
    "FieldFinding",
    "LiveReport",
    "Shape",
    "check_answer",
    "check_live",
    "render",
    "run_checks",
    "shape_of",
]
