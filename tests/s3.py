"""A real S3-compatible server for tests: moto's server mode on 127.0.0.1.

The storage code talks HTTP to it through pyarrow's own S3 client, exactly as it
would to AWS or MinIO, so tests exercise the real request path rather than a
mock of the client. Load the fixtures with ``pytest_plugins = ["s3"]``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pyarrow.fs as pafs
import pytest

from tests.processes import stop_process

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def moto_server(timeout: float = 60.0) -> Iterator[str]:
    """Run ``python -m moto.server`` on a free local port; yield its endpoint URL.

    A separate process (not moto's in-process thread) so that the server keeps
    answering while the test process or its children are busy or killed.
    """
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"moto server exited with code {proc.returncode}")
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no moto server on {endpoint} after {timeout}s") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        stop_process(proc, timeout=10)


def s3_env(endpoint: str) -> dict[str, str]:
    """The environment a process needs to reach the test server (what users set for MinIO)."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def make_bucket(endpoint: str, name: str) -> None:
    host = endpoint.split("://", 1)[1]
    fs = pafs.S3FileSystem(
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region=REGION,
        scheme="http",
        endpoint_override=host,
        allow_bucket_creation=True,
    )
    fs.create_dir(name)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """One moto server for the whole session (it takes a second or two to start)."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_root(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh ``s3://bucket/prefix`` root per test, with the AWS environment pointing at it."""
    for key, value in s3_env(s3_endpoint).items():
        monkeypatch.setenv(key, value)
    bucket = f"akhbar-{uuid.uuid4().hex[:12]}"
    make_bucket(s3_endpoint, bucket)
    return f"s3://{bucket}/silver"
