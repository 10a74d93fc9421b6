"""Alembic environment for the verifier's tables: the shared one in passport_web."""

from passport_web.alembic_env import run_migrations
from verifier.config import VerifierConfig
from verifier.storage import metadata

run_migrations("verifier", metadata, VerifierConfig)
