"""Fixtures for the verifier tests: one signed world per session, an app per database."""

from __future__ import annotations

import pytest
from verifier_world import NOW, build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    return build_world(tmp_path_factory.mktemp("verifier-world"))


@pytest.fixture
def make_service(world):
    """A VerifierService over the world's pinned documents (no database unless given)."""
    from verifier.config import VerifierConfig
    from verifier.service import VerifierService

    def make(db=None, *, network=None, trust=None, bundle=None, open_share=None, **changes):
        config = VerifierConfig.for_tests("sqlite://", clock=world.clock, **changes)
        return VerifierService(db, config, network or world.network(),
                               world.trust if trust is None else trust, bundle=bundle,
                               open_share=open_share)
    return make


@pytest.fixture
def make_app(world, tmp_path):
    """create_app over a real database, with the world's network and trust list."""
    from verifier import create_app
    from verifier.config import VerifierConfig

    def make(database_url: str, **changes):
        import json

        from passport_web.network import NetworkSettings

        trust_file = tmp_path / "trust.json"
        trust_file.write_text(json.dumps(world.trust.to_json()), encoding="utf-8")
        values = {"clock": world.clock, "trust_list_path": trust_file,
                  "instance_dir": tmp_path / "instance",
                  "network": NetworkSettings(did_documents_dir=world.did_documents,
                                             offline=True)}
        values.update(changes)
        app = create_app(VerifierConfig.for_tests(database_url, **values))
        # Status lists come from the world's StaticFetcher, as a deployment would fetch them.
        state = app.extensions["verifier"]
        from verifier.service import VerifierService

        if state.service.bundle is None:
            state.service = VerifierService(state.db, state.config, world.network(),
                                            state.service.trust)
        return app
    return make


@pytest.fixture
def fixed_now():
    return NOW
