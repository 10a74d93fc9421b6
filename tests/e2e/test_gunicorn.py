"""Production shape: each service under gunicorn (process workers) on PostgreSQL via
DATABASE_URL, configured only from the environment, answering health checks and its API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from passport_vc.keys.storage import generate_master_key
from tests.conftest import TEST_DATABASE_URL, _postgres_schema_url
from tests.support.live import free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


@pytest.mark.parametrize("service", ["issuer", "wallet", "verifier"])
def test_service_under_gunicorn_on_postgres(service, tmp_path):
    url, drop = _postgres_schema_url(TEST_DATABASE_URL)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "s" * 40,
           "PASSPORT_MASTER_KEY": generate_master_key(), "PUBLIC_URL": f"http://localhost:{port}",
           f"{service.upper()}_INSTANCE": str(tmp_path / service),
           "PASSPORT_DID_DOCUMENTS_OUT": str(tmp_path / "did-documents")}
    process = subprocess.Popen(
        [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         f"{service}:create_app()"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                health = requests.get(base + "/healthz", timeout=10)
                break
            # gunicorn's master accepts connections before its workers have booted (imports,
            # migrations): on a loaded machine the first request can wait longer than a read
            # timeout, which is not yet a failure
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline or process.poll() is not None:
                    process.kill()
                    raise AssertionError(process.stdout.read()) from None
                time.sleep(0.3)
        assert health.status_code == 200 and health.json()["status"] == "pass"
        page = requests.get(base + "/", timeout=10)
        assert page.status_code in (200, 302)
        assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        if service == "verifier":
            answer = requests.post(base + "/credentials/verify", json={"verifiableCredential":
                                                                       {"nope": 1}}, timeout=10)
            assert answer.status_code == 400 and answer.json()["verified"] is False
        # every worker answers (several requests spread over both processes)
        for _ in range(6):
            assert requests.get(base + "/healthz", timeout=5).status_code == 200
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        finally:
            drop()
