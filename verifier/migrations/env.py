"""Alembic environment for the verifier's tables: the shared one in passport_vc.integrations."""

from passport_vc.integrations.alembic_env import run_migrations
from verifier.config import VerifierConfig
from verifier.storage import metadata

run_migrations("verifier", metadata, VerifierConfig)
