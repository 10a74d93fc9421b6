"""Alembic environment for the issuer's tables: the shared one in passport_web."""

from issuer.config import IssuerConfig
from issuer.storage import metadata
from passport_web.alembic_env import run_migrations

run_migrations("issuer", metadata, IssuerConfig)
