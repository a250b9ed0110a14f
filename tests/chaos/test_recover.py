"""`sandbox-provider recover`'s repair of a file backend, on a tree laid out as the engine
writes it (the whole command runs against the real CLI in tests/chaos/test_recovery.py)."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox_provider.recover import file_backend_root, repair_file_backend


def test_empty_sidecars_and_checkpoint_temporaries_go_and_nothing_else(tmp_path: Path) -> None:
    stacks = tmp_path / ".pulumi" / "stacks" / "proj"
    stacks.mkdir(parents=True)
    (stacks / "dev.json").write_text('{"version": 3}')
    (stacks / "dev.json.attrs").write_bytes(b"")
    (stacks / "dev.json.bak").write_text('{"version": 3}')
    (stacks / "dev.json.bak.attrs").write_text('{"user.cache_control": ""}')
    (stacks / "dev.json.18ed19130cc17016.tmp").write_text('{"version": 3}')
    removed = repair_file_backend(tmp_path)
    assert sorted(Path(p).name for p in removed) == [
        "dev.json.18ed19130cc17016.tmp",
        "dev.json.attrs",
    ]
    assert sorted(p.name for p in stacks.iterdir()) == [
        "dev.json",
        "dev.json.bak",
        "dev.json.bak.attrs",
    ]
    assert repair_file_backend(tmp_path) == []


def test_the_backend_comes_from_the_environment_or_the_login(tmp_path: Path) -> None:
    assert file_backend_root({"PULUMI_BACKEND_URL": f"file://{tmp_path}?no_tmp_dir=true"}) == (
        tmp_path
    )
    assert file_backend_root({"PULUMI_BACKEND_URL": "s3://bucket/state"}) is None
    home = tmp_path / "home"
    home.mkdir()
    (home / "credentials.json").write_text(json.dumps({"current": f"file://{tmp_path}/st"}))
    assert file_backend_root({"PULUMI_HOME": str(home)}) == tmp_path / "st"
    assert file_backend_root({"PULUMI_HOME": str(tmp_path / "nowhere")}) is None
