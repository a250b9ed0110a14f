"""`sandbox-provider migrate`: move a stack from the dynamic resources to the `aep` plugin
without a single API write.

`pulumi import aep:index:<T> NAME ID` alone is not enough for a stack the dynamic resources
made: the plugin's Read rebuilds the inputs from what the platform holds, and some inputs
are nowhere on the platform (`include_dependencies`, an ImportJob's `conflict_policy` and
`check_permissions`, a Handshake's `approve_as`, the `timeout_seconds`), while a Package
read back lists its dependencies as declared artifacts. The program's next preview then
plans updates and replacements (measured: a Package with `include_dependencies=True` and
everything on it replaced). The CLI's import file (3.259.0) takes each resource's `inputs`
and `outputs`; with outputs given the engine records them as they are and skips Read. So
this writes that file from the stack's own state: each dynamic `aep` resource with its
recorded inputs and outputs, the names in camelCase as the plugin records them, under the
plugin's token and the same name. The URNs it prints are the ones to remove from the state
first (the dynamic resources and the dynamic provider they alone use).

It only reads the stack (`pulumi stack export`); the state is changed by the `pulumi` commands
it prints, which docs/migration.md lists.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox_provider.plugin.schema import RESOURCES
from sandbox_provider.plugin.values import camel

__all__ = ["DYNAMIC_PREFIX", "Migration", "export_deployment", "plan"]

#: The type token of a dynamic resource of this package: `pulumi-python:dynamic/aep:Package`.
DYNAMIC_PREFIX = "pulumi-python:dynamic/aep:"
#: The key under which a dynamic resource records its pickled provider (input and output).
_PICKLED = "__provider"
_DYNAMIC_PROVIDER = "pulumi:providers:pulumi-python"
_STACK = "pulumi:pulumi:Stack"


@dataclass
class Migration:
    """What moves: the import file's entries and the URNs to remove from the state."""

    stack: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    #: The dynamic resources, then the dynamic provider if nothing else uses it.
    remove: list[str] = field(default_factory=list)
    #: Resources left as they are, each with why.
    left: list[str] = field(default_factory=list)

    def import_file(self) -> dict[str, Any]:
        return {"resources": self.resources}

    def commands(self, out: str) -> list[str]:
        """The `pulumi` commands that carry out the move, in order."""
        stack = shlex.quote(self.stack)
        urns = " ".join(shlex.quote(u) for u in self.remove)
        return [
            f"pulumi state delete --stack {stack} --yes {urns}",
            f"pulumi import --stack {stack} --file {shlex.quote(out)} --protect=false "
            "--generate-code=false --yes",
            f"pulumi preview --stack {stack} --expect-no-changes",
        ]

    def lines(self, out: str) -> list[str]:
        names = ", ".join(f"{r['type'].rsplit(':', 1)[1]} {r['name']}" for r in self.resources)
        found = f"{len(self.resources)} resource(s): {names}" if self.resources else "nothing"
        text = [f"wrote {out}: {found}"]
        text += [f"left as it is: {why}" for why in self.left]
        if not self.resources:
            return text
        text.append("next, in the project directory:")
        first, *rest = self.commands(out)
        text.append(f"  {first}")
        text.append(
            "  # then change the program: `from sandbox_provider.plugin import sdk as aep` "
            "(or `import pulumi_aep as aep`) and `aep.Package(...)`, same names and arguments"
        )
        text += [f"  {c}" for c in rest]
        return text


def _plugin_state(values: Mapping[str, Any] | None, hidden: frozenset[str]) -> dict[str, Any]:
    # The plugin keeps the core's values and names only the top level in camelCase.
    return {camel(k): v for k, v in (values or {}).items() if k != _PICKLED and k not in hidden}


def plan(deployment: Mapping[str, Any], stack: str) -> Migration:
    """The migration of an exported deployment (`pulumi stack export`'s `deployment`)."""
    migration = Migration(stack)
    if deployment.get("pending_operations"):
        raise ValueError(
            "the stack has pending operations (an interrupted update): run `sandbox-provider "
            "recover`, then `pulumi up` with the dynamic program, then migrate"
        )
    specs = {f"{DYNAMIC_PREFIX}{r.name}": r for r in RESOURCES}
    resources = list(deployment.get("resources") or [])
    stack_urns = {r["urn"] for r in resources if r.get("type") == _STACK}
    moved: set[str] = set()
    for res in resources:
        urn, kind = str(res["urn"]), str(res.get("type", ""))
        spec = specs.get(kind)
        if spec is None:
            continue
        name = urn.rsplit("::", 1)[-1]
        if res.get("delete") or res.get("pendingReplacement"):
            migration.left.append(f"{urn}: marked for deletion by an unfinished replacement")
            continue
        hidden = frozenset(getattr(spec.inputs_model, "HIDDEN", ()))
        entry: dict[str, Any] = {
            "type": spec.token,
            "name": name,
            "id": res["id"],
            "inputs": _plugin_state(res.get("inputs"), hidden),
            "outputs": _plugin_state(res.get("outputs"), hidden),
        }
        parent = res.get("parent")
        if parent and parent not in stack_urns:
            entry["parent"] = parent
        migration.resources.append(entry)
        migration.remove.append(urn)
        moved.add(urn)
    # The dynamic provider goes too once nothing left uses it (else the next `up` deletes it,
    # and the no-change preview would plan that).
    users: dict[str, set[str]] = {}
    for res in resources:
        ref = str(res.get("provider") or "")
        users.setdefault(ref.rsplit("::", 1)[0], set()).add(str(res["urn"]))
    for res in resources:
        if res.get("type") == _DYNAMIC_PROVIDER and moved:
            using = users.get(str(res["urn"]), set())
            if using <= moved:
                migration.remove.append(str(res["urn"]))
    return migration


def export_deployment(
    stack_name: str, work_dir: str | os.PathLike[str] = ".", *, pulumi_bin: str | None = None
) -> dict[str, Any]:
    """The stack's deployment, as `pulumi stack export` gives it (read only)."""
    from pulumi import automation as auto

    from sandbox_provider.recover import _command

    opts = auto.LocalWorkspaceOptions(pulumi_command=_command(pulumi_bin))
    stack = auto.select_stack(stack_name=stack_name, work_dir=str(work_dir), opts=opts)
    return dict(stack.export_stack().deployment or {})
