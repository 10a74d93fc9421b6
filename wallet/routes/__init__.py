"""Blueprints of the wallet service (thin: they call WalletService and render templates)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import (
        accounts,
        helpers,
        keeping,
        oid4vp,
        passkeys,
        public,
        receive,
        record,
        reminders,
        shares,
    )

    for module in (accounts, record, receive, shares, keeping, helpers, public, passkeys,
                   oid4vp, reminders):
        app.register_blueprint(module.blueprint)
