"""Locust users for the load test (run by benchmarks/load_test.py, loopback only).

- ``EmployerChecking``: POST /credentials/verify on the verifier with real signed credentials
  (the status lists come from the issuer, cached by the verifier as in production).
- ``WorkerViewing``: a signed-in care worker opening their training record on the wallet.
- ``Floor``: GET /healthz on the same servers — the cost of the web stack alone.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

CREDENTIALS = json.loads(open(os.environ["LOAD_CREDENTIALS"], encoding="utf-8").read())
WALLET = os.environ["LOAD_WALLET_URL"]
LOGIN, PASSWORD = os.environ["LOAD_LOGIN"], os.environ["LOAD_PASSWORD"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class EmployerChecking(HttpUser):
    host = os.environ["LOAD_VERIFIER_URL"]
    wait_time = between(0, 0.05)
    weight = 3

    @task
    def verify(self) -> None:
        credential = random.choice(CREDENTIALS)  # noqa: S311 - load mix, not security
        with self.client.post("/credentials/verify", json={"verifiableCredential": credential},
                              name="verifier POST /credentials/verify",
                              catch_response=True) as response:
            # 400 is a normal answer here: some of the demo's credentials are expired/revoked
            if response.status_code in (200, 400) and "verified" in response.json():
                response.success()
            else:
                response.failure(f"unexpected answer {response.status_code}")


class WorkerViewing(HttpUser):
    host = WALLET
    wait_time = between(0, 0.05)
    weight = 3

    def on_start(self) -> None:
        page = self.client.get("/sign-in", name="wallet GET /sign-in")
        token = CSRF.search(page.text).group(1)
        self.client.post("/sign-in", data={"login": LOGIN, "password": PASSWORD,
                                           "csrf_token": token, "next": ""},
                         name="wallet POST /sign-in")

    @task
    def record(self) -> None:
        with self.client.get("/record", name="wallet GET /record", allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200 or "training record" not in response.text:
                response.failure(f"record page answered {response.status_code}")


class Floor(HttpUser):
    host = os.environ["LOAD_VERIFIER_URL"]
    wait_time = between(0, 0.05)
    weight = 1

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="verifier GET /healthz (floor)")
