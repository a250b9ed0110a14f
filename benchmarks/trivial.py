"""The engine floor: a dynamic resource whose provider does nothing but return an id.

`benchmarks.engine_floor` runs 200 of these against 200 `Package`s with the same inputs. The
class lives in an importable module (not in the program) so that dill pickles the provider
by reference, as it does ours; the stack runs with the repository root on PYTHONPATH so that
both the program and the provider process can import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ResourceProvider


class TrivialProvider(ResourceProvider):
    """check, diff and delete are the SDK's defaults (pass-through, engine diff, nothing)."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"trivial-{props.get('name')}", outs={})


class Trivial(pulumi.dynamic.Resource, module="bench", name="Trivial"):
    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        source_sandbox: pulumi.Input[str] | None = None,
        artifacts: pulumi.Input[Sequence[Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"name": name, "source_sandbox": source_sandbox, "artifacts": artifacts}
        super().__init__(TrivialProvider(), resource_name, props, opts)
