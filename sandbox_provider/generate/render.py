"""The three files of a generated project: `Pulumi.yaml`, `__main__.py` and `README.md`.

The program is laid out by `pyformat` the way `ruff format` would lay it out, and holds no
credential: the settings reach the program through the `AEP_*` environment variables (or
stack config) when it runs, as for every program of this provider.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from sandbox_provider.client.config import KEYS

from .plan import Declaration, Plan
from .pyformat import Call, Ref, render

__all__ = ["FILES", "main_py", "pulumi_yaml", "readme", "write"]

FILES = ("Pulumi.yaml", "__main__.py", "README.md")

_ADOPTION_NOTE = (
    "Each object is adopted with `import_`: the first `pulumi up` takes it over without\n"
    "writing to the platform, as long as the inputs below still match it (otherwise it fails\n"
    "naming each difference). README.md lists what was found and what was left out."
)


def _one_line(text: str) -> str:
    # A platform's reason or name may hold newlines: a comment or a list item can't.
    return " ".join(text.split())


def _where(plan: Plan) -> str:
    return f"sandboxes {', '.join(plan.sandboxes)}" if plan.sandboxes else "every sandbox"


def _declaration(decl: Declaration) -> str:
    options: list[tuple[str, object]] = [("import_", decl.import_id)]
    if decl.retain:
        options.append(("retain_on_delete", True))
    if decl.depends_on:
        options.append(("depends_on", [Ref(v) for v in decl.depends_on]))
    call = Call(
        decl.kind,
        [decl.name],
        [*decl.kwargs, ("opts", Call("pulumi.ResourceOptions", kwargs=options))],
        explode=True,
    )
    return f"# {_one_line(decl.comment)}\n{decl.var} = {render(call, 0, len(decl.var) + 3)}\n"


def main_py(plan: Plan) -> str:
    """The program: one declaration per adoptable object, then the package ids as an
    output."""
    doc = (
        f'"""AEP sandbox tooling objects of org {plan.org_id} ({_where(plan)}),\n'
        "written by `sandbox-provider generate`.\n\n"
        f'{_ADOPTION_NOTE}\n"""\n'
    )
    imports = "import pulumi\n"
    if plan.declarations:
        imports += f"from sandbox_provider import {', '.join(plan.kinds())}\n"
    blocks = [doc, imports]
    packages = [d for d in plan.declarations if d.kind == "Package"]
    if packages:
        blocks.append(
            "# Packages keep retain_on_delete: they were there before this stack, so\n"
            "# `pulumi destroy` hands them back instead of deleting them.\n"
        )
    blocks += [_declaration(d) for d in plan.declarations]
    ids = {d.name: Ref(f"{d.var}.package_id") for d in packages}
    blocks.append(render(Call("pulumi.export", ["package_ids", ids])) + "\n")
    return "\n".join(blocks)


def _yaml(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar: any text is safe in it.
    return json.dumps(text, ensure_ascii=False)


#: The settings written into Pulumi.yaml: what reaches the same org, nothing that is a
#: credential (those come from AEP_* variables or stack config when the program runs).
PROJECT_SETTINGS = ("platform_url", "ims_url", "org_id", "sandbox")


def pulumi_yaml(
    plan: Plan, project: str, virtualenv: str | None, settings: Mapping[str, str]
) -> str:
    """The project file: the runtime, and as project config the non-secret settings that
    reach the org the program was read from (stack config still wins over them)."""
    lines = [
        f"name: {project}",
        f"description: {_yaml(f'AEP sandbox tooling objects of org {plan.org_id}, adopted')}",
        "runtime:",
        "  name: python",
        "  options:",
        "    toolchain: pip",
    ]
    if virtualenv:
        lines.append(f"    virtualenv: {_yaml(virtualenv)}")
    by_name = {k.name: k for k in KEYS}
    values = [(by_name[n], settings[n]) for n in PROJECT_SETTINGS if settings.get(n)]
    if values:
        lines.append("config:")
        lines += [f"  {key.config_key}: {_yaml(value)}" for key, value in values if not key.secret]
    return "\n".join(lines) + "\n"


def _credential_lines() -> list[str]:
    """`export AEP_...=...` for the credentials: placeholders, as the values are the
    reader's to give (from a secret store), never this tool's to write down."""
    by_name = {k.name: k for k in KEYS}
    return [
        f"export {by_name['client_id'].env}=...",
        f"export {by_name['client_secret'].env}=...   # from your secret store, never a file",
    ]


def readme(plan: Plan, project: str) -> str:
    out = [
        f"# {project}",
        "",
        f"Written by `sandbox-provider generate` from org `{plan.org_id}` ({_where(plan)}).",
        "`__main__.py` declares every object below with `import_`, so the first `pulumi up`",
        "adopts them without a write to the platform, and the next `pulumi preview",
        "--expect-no-changes` passes.",
        "",
        "## Found",
        "",
        "| what | count |",
        "|---|---|",
        *[f"| {what} | {n} |" for what, n in plan.found],
        "",
        f"## Declared ({len(plan.declarations)})",
        "",
        *[
            f"- {d.kind} `{d.name}` (`{d.import_id}`): {_one_line(d.comment)}"
            for d in plan.declarations
        ],
    ]
    if not plan.declarations:
        out.append("Nothing: the org holds no object a resource can adopt.")
    out += ["", f"## Left out ({len(plan.left_out)})", ""]
    out += [f"- {_one_line(item.what)}: {_one_line(item.why)}" for item in plan.left_out]
    out += [f"- {line}" for line in plan.not_asked]
    if not plan.left_out and not plan.not_asked:
        out.append("Nothing.")
    out += [
        "",
        "Not expressed either: the `alternatives` an import job was given (adoption doesn't",
        "need them, and the platform only reports what each artifact became), and who approves",
        "a pending handshake (add `approve_as` with the target org's profile to approve it).",
        "",
        "## Running it",
        "",
        "`Pulumi.yaml` names the org and its endpoints (as project config: stack config wins",
        "over it). The credentials come from the environment, never from these files:",
        "",
        "```bash",
        *_credential_lines(),
        "pulumi stack init <stack>",
        "pulumi up                       # adopts, writing nothing",
        "pulumi preview --expect-no-changes",
        "```",
        "",
    ]
    return "\n".join(out)


def write(
    out_dir: Path,
    plan: Plan,
    *,
    project: str,
    virtualenv: str | None,
    settings: Mapping[str, str],
) -> list[Path]:
    """Write the three files into `out_dir` (made if missing); their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        "Pulumi.yaml": pulumi_yaml(plan, project, virtualenv, settings),
        "__main__.py": main_py(plan),
        "README.md": readme(plan, project),
    }
    paths = []
    for name in FILES:
        path = out_dir / name
        path.write_text(texts[name], encoding="utf-8")
        paths.append(path)
    return paths
