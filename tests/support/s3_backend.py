"""A shared state backend for the e2e tier: an S3 server (moto) on 127.0.0.1, and stacks on it.

The server is moto's `ThreadedMotoServer` in a process of its own (port 0, so no port race),
ended by its pid. The pulumi CLI reaches it through the diy backend's s3:// URL with dummy
credentials; every ambient `AWS_*` variable is dropped so nothing can reach real AWS.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3

from sandbox_provider.testing import Stack

# The launcher prints the port it was given, then serves until it is terminated.
_LAUNCHER = """
import sys, threading
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
threading.Event().wait()
"""

REGION = "us-east-1"
# Moto checks no signature; the values only have to be present, and never be real ones.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class MotoS3:
    """A running moto S3 server on 127.0.0.1."""

    proc: subprocess.Popen[str]
    port: int
    log_path: Path

    @classmethod
    def start(cls, log_path: Path, startup_timeout: float = 30.0) -> MotoS3:
        log = open(log_path, "w")  # noqa: SIM115 - the child holds it; closed below
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env={**_without_aws(os.environ), **DUMMY_CREDENTIALS},
            )
        finally:
            log.close()
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], startup_timeout)
        line = proc.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            _end(proc)
            raise RuntimeError(
                f"moto did not start within {startup_timeout:.0f}s; its log:\n"
                + log_path.read_text()
            )
        return cls(proc=proc, port=int(line), log_path=log_path)

    def stop(self) -> None:
        _end(self.proc)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.session.Session(
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        ).client("s3", endpoint_url=self.endpoint)

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(Bucket=bucket)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key of the bucket under `prefix`, sorted."""
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        )
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        body = self.client().get_object(Bucket=bucket, Key=key)["Body"]
        return bytes(body.read())

    def backend_url(self, bucket: str) -> str:
        """The diy backend URL for `bucket`, in the parameters gocloud.dev v0.46's s3blob takes
        (pulumi 3.259.0 pkg/backend/diy: `endpoint` with its scheme, `use_path_style`; the
        AWS SDK v1 names `disableSSL`/`s3ForcePathStyle` are translated, not needed)."""
        query = urlencode(
            {
                "endpoint": self.endpoint,
                "use_path_style": "true",
                "region": REGION,
                # Moto sends no response checksums; the SDK's default (validate when
                # supported) warns about each one on stderr.
                "response_checksum_validation": "when_required",
            }
        )
        return f"s3://{bucket}?{query}"

    def legacy_backend_url(self, bucket: str) -> str:
        """The same in the AWS SDK v1 spelling older set-ups use (and pulumi translates)."""
        return (
            f"s3://{bucket}?endpoint=127.0.0.1:{self.port}&disableSSL=true"
            f"&s3ForcePathStyle=true&region={REGION}"
        )


def _end(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


def _without_aws(env: Any) -> dict[str, str]:
    # A profile, a session token, an AWS_ENDPOINT_URL or a config file could send the CLI
    # to real AWS; only what aws_env() sets may reach it.
    return {k: v for k, v in env.items() if not k.startswith("AWS_")}


def aws_env() -> dict[str, str]:
    return {
        **DUMMY_CREDENTIALS,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        # Region and credentials are given, so the SDK has no reason to ask the instance
        # metadata service (169.254.169.254); this makes sure it never does.
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@dataclass
class S3Stack(Stack):
    """A stack whose state lives in an S3 bucket instead of a `file://` directory. The
    `state_dir` only holds the checkout's PULUMI_HOME (each checkout has its own, like two
    CI runners)."""

    backend: str = field(default="")

    def env(self) -> dict[str, str]:
        env = _without_aws(super().env())
        env.update(aws_env())
        env["PULUMI_BACKEND_URL"] = self.backend
        return env


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy; fail saying `what` never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"after {timeout:.0f}s, still waiting for {what}")
