"""The policy pack under test: a copy of policy/ whose `venv` is the pack's own environment,
made once per lock and cached.

The pack needs pulumi-policy, whose protobuf pin conflicts with the project's lock, so it
can't live in .venv: like any Python policy pack it runs from its own virtualenv (the
`virtualenv: venv` of policy/PulumiPolicy.yaml), which our language host's RunPlugin starts.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.engine import ROOT

POLICY = ROOT / "policy"
#: What the environment is built from: a change of either makes a new one.
INPUTS = ("requirements.txt", "requirements.lock")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sandbox-provider" / "policy-venv"


def policy_venv() -> Path:
    """The pack's virtualenv for this lock and this Python, made if missing: `python -m venv`,
    then `pip install -r requirements.txt -c requirements.lock` (the README's steps, with the
    pins). Concurrent callers (pytest-xdist workers) wait for one build."""
    digest = hashlib.sha256(sys.version.encode())
    for name in INPUTS:
        digest.update((POLICY / name).read_bytes())
    root = cache_root()
    dest = root / digest.hexdigest()[:16]
    marker = dest / ".complete"
    if marker.exists():
        return dest
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return dest
        shutil.rmtree(dest, ignore_errors=True)
        # From the base interpreter: a venv made from .venv's python would point at .venv.
        python = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([python, "-m", "venv", str(dest)], check=True, timeout=300)
        pip = [str(dest / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
        req, lockfile = (str(POLICY / name) for name in INPUTS)
        proc = subprocess.run(
            [*pip, "install", "-r", req, "-c", lockfile],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if proc.returncode != 0:
            shutil.rmtree(dest, ignore_errors=True)
            raise RuntimeError(f"installing the policy pack's requirements failed:\n{proc.stderr}")
        marker.touch()
    return dest


def pack_copy(dest: Path) -> Path:
    """policy/ copied to `dest` (without a venv of a user's own), its `venv` a symlink to the
    cached environment: the toolchain follows it like a real directory."""
    shutil.copytree(POLICY, dest, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    (dest / "venv").symlink_to(policy_venv(), target_is_directory=True)
    return dest


@pytest.fixture(scope="session")
def policy_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pack_copy(tmp_path_factory.mktemp("policy-pack") / "policy")
