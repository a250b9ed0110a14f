"""The `sandbox-provider emulator` command itself: start-up lines, default scratch state,
clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox_provider.cli", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if len(lines) >= 3:
            break
    return proc, lines


def test_scratch_state_is_removed_on_sigterm() -> None:
    proc, lines = _start("--seed", "empty")
    try:
        m = re.fullmatch(r"Emulator listening on (http://127\.0\.0\.1:\d+)", lines[0])
        assert m, lines
        state = Path(lines[1].removeprefix("State: "))
        assert state.exists()
        assert "No orgs yet" in lines[2]
        assert httpx.get(m.group(1) + "/_emulator/orgs").json() == []
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert not state.exists() and not state.parent.exists()


def test_given_db_is_kept_and_not_reseeded(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    proc, lines = _start("--db", str(db), "--seed", "demo")
    url = lines[0].split()[-1]
    httpx.post(url + "/_emulator/orgs", json={"name": "extra"}).raise_for_status()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    assert db.exists()
    proc, lines = _start("--db", str(db), "--seed", "empty")
    try:
        names = [o["name"] for o in httpx.get(lines[0].split()[-1] + "/_emulator/orgs").json()]
        assert names == ["acme", "partner", "extra"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
