"""The Dagster UI, served by a real webserver over the definitions of workspace.yaml, never shows the warehouse
password: the resource page reads the value ``EnvVar("KTTT_WAREHOUSE_URL")``, i.e. the variable's name."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Kttt-UI-S3cret-7q"

RESOURCE = """
query {
  topLevelResourceDetailsOrError(resourceSelector: {repositoryLocationName: "kttt",
                                 repositoryName: "__repository__", resourceName: "warehouse"}) {
    __typename
    ... on ResourceDetails { name configuredValues { key value type } configFields { name defaultValueAsJson } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_resource_page_shows_the_variable_not_the_password(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "KTTT_WAREHOUSE_URL": f"postgresql+psycopg://kttt:{SECRET}@db.internal/kttt_warehouse",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-w",
            "workspace.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/server_info", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, "dagster-webserver exited"
                assert time.time() < deadline, "dagster-webserver did not start within 180 s"
                time.sleep(1)
        request = urllib.request.Request(
            url + "/graphql",
            data=json.dumps({"query": RESOURCE}).encode(),
            headers={"Content-Type": "application/json"},
        )
        body = urllib.request.urlopen(request, timeout=120).read().decode("utf-8")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    details = json.loads(body)["data"]["topLevelResourceDetailsOrError"]
    assert details["__typename"] == "ResourceDetails", body
    url_value = next(v for v in details["configuredValues"] if v["key"] == "url")
    assert url_value["type"] == "ENV_VAR" and url_value["value"] == "KTTT_WAREHOUSE_URL"
    assert SECRET not in body
