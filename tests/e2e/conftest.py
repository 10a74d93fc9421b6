"""The demo scene on free ports, shared by the end-to-end tests of this folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from passport_cli.demo_scene import DemoScene
from tests.support.live import free_port


class MovableClock:
    """The real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    ports = {name: free_port() for name in ("issuer", "wallet", "verifier")}
    clock = MovableClock()
    scene = DemoScene(tmp_path_factory.mktemp("demo"), ports, verifier_clock=clock)
    servers = scene.start_servers()
    try:
        details = scene.seed(progress=lambda _text: None)
        yield scene, details, clock
    finally:
        for server in servers:
            server.stop()
