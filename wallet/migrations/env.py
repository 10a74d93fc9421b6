"""Alembic environment for the wallet's tables: the shared one in passport_web."""

from passport_web.alembic_env import run_migrations
from wallet.config import WalletConfig
from wallet.storage import metadata

run_migrations("wallet", metadata, WalletConfig)
