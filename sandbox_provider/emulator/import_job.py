"""The import job itself: the `import` stepper applies a submitted import to the target
sandbox and ends its job (`imports` tells the whole story, from the package's manifest
to one task per artifact)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import rules
from .artifacts import (
    closure,
    definition_of,
    get_org,
    new_artifact,
    put_artifact,
    sandbox_artifacts,
)
from .dates import now_ms
from .ids import base_id, new_hex_id
from .jobs import begin, finish_job, package_ref, task
from .packages import content_graph, held_package, is_expired, package_roots
from .permissions import missing_permissions
from .storage import Doc

if TYPE_CHECKING:
    from .state import Emulator

__all__ = ["ImportFailed", "step_import"]


def _new_target_id(source_id: str) -> str:
    if "/" in source_id:
        return source_id.rstrip("/").rsplit("/", 1)[0] + "/" + new_hex_id()
    return new_hex_id()


class ImportFailed(Exception):
    """The job fails: `tasks` are its failed tasks (one per artifact concerned)."""

    def __init__(self, tasks: list[Doc]) -> None:
        super().__init__("import failed")
        self.tasks = tasks


def _fail_all(artifacts: list[Doc], reason: str) -> ImportFailed:
    return ImportFailed([task(a, rules.FAILED, reason, failed=True) for a in artifacts])


def _plan(
    graph: dict[str, Doc],
    order: list[str],
    alternatives: dict[str, str],
    target_graph: dict[str, Doc],
) -> dict[str, tuple[str | None, str]]:
    """{source id: (target id, outcome)} per the type rules; outcome is a task status."""
    by_title: dict[str, list[Doc]] = {}
    for cand in target_graph.values():
        by_title.setdefault(cand["type"], []).append(cand)
    plan: dict[str, tuple[str | None, str]] = {}
    failed: list[Doc] = []
    for aid in order:
        art = graph[aid]
        type_ = art["type"]
        same_type = by_title.get(type_, [])
        titled = [c for c in same_type if rules.same_title(c["title"], art["title"])]
        if aid in alternatives:
            plan[aid] = (alternatives[aid], rules.REUSED)
        elif type_ in rules.ALWAYS_NEW:
            plan[aid] = (_new_target_id(aid), rules.CREATED)
        elif aid in target_graph:
            plan[aid] = (aid, rules.EXISTS)
        elif type_ in rules.REUSE_ONLY:
            chosen = titled[0] if titled else (same_type[0] if same_type else None)
            if chosen is None:
                failed.append(
                    task(
                        art,
                        rules.FAILED,
                        f"{type_} is never created by an import and the target sandbox has "
                        f"none to use instead: create one there (or map {aid} in alternatives)",
                        failed=True,
                    )
                )
                continue
            plan[aid] = (chosen["id"], rules.REUSED)
        elif type_ in rules.REUSE_BY_TITLE and titled:
            plan[aid] = (titled[0]["id"], rules.REUSED)
        elif type_ in rules.REUSE_OR_SKIP:
            plan[aid] = (titled[0]["id"], rules.REUSED) if titled else (None, rules.SKIPPED)
        else:
            plan[aid] = (_new_target_id(aid), rules.CREATED)
    if failed:
        raise ImportFailed(failed)
    return plan


def _message(art: Doc, target: str | None, outcome: str) -> str:
    # Worded as the import report of the earlier tools page shows each status.
    if outcome == rules.CREATED:
        return f"{art['type']} created. Source id={art['id']}; Target id={target}"
    if outcome == rules.REUSED:
        return f"{art['type']} was not created anew. Reused object id={target}"
    if outcome == rules.EXISTS:
        return f"Object {art['type']}, id={art['id']} already exists and was not re-created"
    return (
        f"{art['type']} was skipped: no identical object exists in the target sandbox; "
        "set it up there by hand"
    )


def _new_title(art: Doc, target_graph: dict[str, Doc], stamp: int) -> str:
    """The created copy's title: the source's, or `<title>_<epoch ms>` when the target already
    holds an object of that type and title (the copies the pages' conflict examples show)."""
    taken = any(
        c["type"] == art["type"] and rules.same_title(c["title"], art["title"])
        for c in target_graph.values()
    )
    return f"{art['title']}_{stamp}" if taken else art["title"]


def _run_import(emu: Emulator, op: Doc) -> tuple[list[Doc], dict[str, str], dict[str, str]]:
    """Apply the import: (completed tasks, {source id: target id}, source parent map).
    Raises ImportFailed (nothing created) when it can't be done."""
    org = get_org(emu, op["org"])
    pkg = held_package(emu, op["org"], op["packageId"])
    if org is None or pkg is None:
        gone = f"package {op['packageId']} no longer exists"
        raise _fail_all([package_ref(op["packageId"])], gone)
    graph = content_graph(emu, pkg)
    # A job-level failure names each root artifact; a package with none names the package
    # (else the job would end with no failed task, hence SUCCESS).
    roots = [graph[r] for r in package_roots(emu, pkg, graph) if r in graph] or [
        package_ref(pkg["id"], pkg.get("name"))
    ]
    if is_expired(pkg):
        raise _fail_all(
            roots,
            f"package {pkg['id']} has expired (expiry {pkg.get('expiry')}); publish a new one",
        )
    target = op["target"]
    if op.get("destOrg") and op["destOrg"] != org["imsOrgId"]:
        raise _fail_all(
            roots,
            f"destination org {op['destOrg']} is not the caller's org "
            f"{org['imsOrgId']}; import into your own sandboxes",
        )
    if target not in org["sandboxes"]:
        raise _fail_all(
            roots,
            f"target sandbox '{target}' does not exist in org {org['imsOrgId']} "
            f"(sandboxes: {org['sandboxes']})",
        )
    alternatives: dict[str, str] = op.get("alternatives") or {}
    target_graph = sandbox_artifacts(emu, org["imsOrgId"], target)
    missing_alts = [
        task(
            graph.get(src) or {"id": src, "type": "UNKNOWN", "title": None},
            rules.FAILED,
            f"alternative '{alt}' for artifact '{src}' does not exist in target sandbox '{target}'",
            failed=True,
        )
        for src, alt in alternatives.items()
        if alt not in target_graph
    ]
    if missing_alts:
        raise ImportFailed(missing_alts)
    order = closure(graph, package_roots(emu, pkg, graph), stop=alternatives)
    plan = _plan(graph, order, alternatives, target_graph)
    granted = org.get("permissions") or {}
    lacking = []
    for aid in order:
        if plan[aid][1] == rules.CREATED:
            missing = missing_permissions(graph[aid]["type"], granted)
            if missing:
                lacks = "; ".join(f"{res}: {', '.join(p)}" for res, p in missing.items())
                lacking.append(
                    task(
                        graph[aid],
                        rules.FAILED,
                        f"missing permissions to create {graph[aid]['type']} '{aid}' in "
                        f"sandbox '{target}': {lacks}",
                        failed=True,
                    )
                )
    if lacking:
        raise ImportFailed(lacking)
    mapping = {aid: tid for aid, (tid, _) in plan.items() if tid is not None}
    stamp = now_ms()
    completed = []
    parents: dict[str, str] = {}
    source = (pkg.get("sourceSandbox") or {}).get("name")
    for aid in order:
        tid, outcome = plan[aid]
        art = graph[aid]
        completed.append(task(art, outcome, _message(art, tid, outcome), new_id=tid))
        parents[aid] = f"{pkg['imsOrgId']}::{source}::{art['type']}::{aid}"
        if outcome != rules.CREATED or tid is None:
            continue
        deps = [mapping.get(base_id(d), base_id(d)) for d in art.get("dependsOn", [])]
        title = _new_title(art, target_graph, stamp)
        # The copy holds what the package carried: its definition as published.
        doc = new_artifact(tid, art["type"], title, deps, definition_of(art))
        doc.update(rules.LANDS.get(art["type"], {}))
        put_artifact(emu, org["imsOrgId"], target, doc)
    return completed, mapping, parents


def step_import(emu: Emulator, op: Doc) -> bool:
    """The `import` stepper: PENDING → IN_PROGRESS, then the import runs and ends the job."""
    job = begin(emu, op)
    if isinstance(job, bool):
        return job
    try:
        completed, mapping, parents = _run_import(emu, op)
    except ImportFailed as exc:
        finish_job(emu, job, completed=[], failed=exc.tasks)
    else:
        finish_job(emu, job, completed=completed, replacements=mapping, parents=parents)
    return True
