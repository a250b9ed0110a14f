"""Start the emulator as a real process and talk to its admin endpoints.

Used by the tests, the demo and the benchmarks, and meant for users' own CI: it runs the
`sandbox-provider emulator` command (a real server on 127.0.0.1, a real SQLite file), waits
for its "listening" line and offers thin helpers over `/_emulator/` and the IMS endpoint.
It speaks raw HTTP on purpose: the emulator must never share code with the client. It
imports none of the emulator's code either (the server runs in the child process), so it
works from any install with the `[emulator]` extra.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

EXIM_PREFIX = "/data/foundation/exim"
#: Seconds of each async step (publish, import, transfer) in tests: quick, but still async.
TEST_DELAY = 0.05
_LISTENING = re.compile(r"Emulator listening on (http://\S+)")


class EmulatorProcess:
    """A running `sandbox-provider emulator`; stop it with `stop()` or use `running()`."""

    def __init__(self, proc: subprocess.Popen[str], url: str, db_path: Path) -> None:
        self.proc = proc
        self.url = url.rstrip("/")
        self.db_path = db_path
        self.http = httpx.Client(base_url=self.url, timeout=30.0)

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def start(
        cls,
        db_path: Path | str,
        *,
        seed: str = "demo",
        timing: str | None = None,
        delay: float | None = None,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30.0,
        log_path: Path | str | None = None,
    ) -> EmulatorProcess:
        cmd = [
            sys.executable,
            "-m",
            "sandbox_provider.cli",
            "emulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db_path),
            "--seed",
            seed,
        ]
        if timing:
            cmd += ["--timing", timing]
        if delay is not None:
            cmd += ["--delay", str(delay)]
        cmd += list(extra_args)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        url = _wait_for_url(proc, startup_timeout)
        # Keep draining output so the server never blocks on a full pipe.
        _drain(proc, Path(log_path) if log_path else None)
        return cls(proc, url, Path(db_path))

    def stop(self) -> None:
        self.http.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    # -- admin endpoints -------------------------------------------------------------------
    def _admin(self, method: str, path: str, **kw: Any) -> Any:
        r = self.http.request(method, "/_emulator" + path, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def reset(self, seed: str = "demo") -> None:
        self._admin("POST", "/reset", params={"seed": seed})

    def orgs(self) -> list[dict[str, Any]]:
        return list(self._admin("GET", "/orgs"))

    def org(self, name_or_id: str) -> dict[str, Any]:
        for org in self.orgs():
            if name_or_id in (org["name"], org["imsOrgId"]):
                return org
        raise KeyError(f"no org {name_or_id!r} on the emulator")

    def artifacts(self, org: str, sandbox: str) -> list[dict[str, Any]]:
        return list(self._admin("GET", f"/orgs/{org}/sandboxes/{sandbox}/artifacts"))

    def add_artifact(self, org: str, sandbox: str, artifact: dict[str, Any]) -> dict[str, Any]:
        return dict(
            self._admin("POST", f"/orgs/{org}/sandboxes/{sandbox}/artifacts", json=artifact)
        )

    def patch_artifact(
        self, org: str, sandbox: str, artifact_id: str, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """Change an object behind the API's back, as a person in the UI would: its `title`,
        `dependsOn`, `definition` (`{"fields": {...}}` for a schema, field group or data
        type), ... Answers the object as the admin listing shows it."""
        return dict(
            self._admin("PATCH", self._artifact_path(org, sandbox, artifact_id), json=fields)
        )

    def delete_artifact(self, org: str, sandbox: str, artifact_id: str) -> None:
        self._admin("DELETE", self._artifact_path(org, sandbox, artifact_id))

    @staticmethod
    def _artifact_path(org: str, sandbox: str, artifact_id: str) -> str:
        from urllib.parse import quote

        return f"/orgs/{org}/sandboxes/{sandbox}/artifacts/{quote(artifact_id, safe='')}"

    def roles(self, org: str) -> dict[str, Any]:
        return dict(self._admin("GET", f"/orgs/{org}/roles"))

    def set_roles(self, org: str, permissions: dict[str, list[str]]) -> None:
        self._admin("PUT", f"/orgs/{org}/roles", json={"permissions": permissions})

    def timing(self) -> dict[str, Any]:
        return dict(self._admin("GET", "/timing"))

    def set_timing(self, **settings: Any) -> dict[str, Any]:
        return dict(self._admin("PUT", "/timing", json=settings))

    def advance(self, steps: int | None = None) -> int:
        body = {"steps": steps} if steps is not None else None
        return int(self._admin("POST", "/advance", json=body)["advanced"])

    def set_faults(self, rules: list[dict[str, Any]]) -> None:
        self._admin("PUT", "/faults", json={"rules": rules})

    def clear_faults(self) -> None:
        self._admin("DELETE", "/faults")

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        return list(self._admin("GET", "/requests", params={"since": since})["requests"])

    def clear_requests(self) -> None:
        self._admin("DELETE", "/requests")

    def advance_clock(self, seconds: float) -> float:
        """Move the emulator's clock `seconds` forward (package and token expiry, due steps);
        returns the total moved since the last reset."""
        body = self._admin("POST", "/clock", json={"advanceSeconds": seconds})
        return float(body["advancedSeconds"])

    def expire_tokens(self) -> None:
        self._admin("POST", "/tokens/expire")

    # -- the public API, raw ---------------------------------------------------------------
    def token(self, org: str) -> str:
        o = self.org(org)
        r = self.http.post(
            "/ims/token/v3",
            data={
                "grant_type": "client_credentials",
                "client_id": o["clientId"],
                "client_secret": o["clientSecret"],
                "scope": "openid,AdobeID,read_organizations",
            },
        )
        r.raise_for_status()
        return str(r.json()["access_token"])

    def api(self, org: str, sandbox: str = "dev") -> httpx.Client:
        """A raw httpx client for the exim API of `org` (headers set, base URL under exim)."""
        o = self.org(org)
        return httpx.Client(
            base_url=self.url + EXIM_PREFIX,
            timeout=30.0,
            headers={
                "Authorization": f"Bearer {self.token(org)}",
                "x-api-key": o["clientId"],
                "x-gw-ims-org-id": o["imsOrgId"],
                "x-sandbox-name": sandbox,
            },
        )


def _wait_for_url(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    found: list[str] = []
    seen: list[str] = []

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            seen.append(line)
            m = _LISTENING.search(line)
            if m:
                found.append(m.group(1))
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    t.join(timeout)
    if not found:
        proc.kill()
        raise RuntimeError(
            f"the emulator did not start within {timeout:.0f}s; its output:\n" + "".join(seen)
        )
    return found[0]


def _drain(proc: subprocess.Popen[str], log_path: Path | None) -> None:
    def run() -> None:
        assert proc.stdout is not None
        sink = open(log_path, "a") if log_path else None  # noqa: SIM115 - lives with the thread
        try:
            for line in proc.stdout:
                if sink:
                    sink.write(line)
                    sink.flush()
        finally:
            if sink:
                sink.close()

    threading.Thread(target=run, daemon=True).start()


@contextmanager
def running(db_path: Path | str, **kw: Any) -> Iterator[EmulatorProcess]:
    """Run an emulator for the duration of a `with` block."""
    emu = EmulatorProcess.start(db_path, **kw)
    try:
        yield emu
    finally:
        emu.stop()
