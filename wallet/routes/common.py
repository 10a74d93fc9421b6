"""What every wallet page needs: the signed-in account, whose wallet is open (their own, or a
worker's they help), and form error handling.

Isolation rule: a page never takes an account id from the URL. The wallet it shows is the
signed-in account's own, or — for a helper — the worker chosen in the session, re-checked
against a live grant on every request (``WalletService.act_for``). Everything else is looked up
within that wallet, so another worker's credential or share id gives 404.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app, g, redirect, request, session, url_for

from passport_vc.errors import ForbiddenError, NotFoundError, PassportError
from passport_web.signin import end_session

from ..service import Actor, WalletService

NEEDS = ("view", "receive", "present", "owner")


def service() -> WalletService:
    return current_app.extensions["wallet"]


@dataclass(frozen=True)
class Wallet:
    owner_id: str
    actor: Actor

    @property
    def by_helper(self) -> bool:
        return self.actor.is_helper


def sign_in_session(account_id: str) -> None:
    """A fresh session (no fixation); records when, so recent sign-ins can skip re-asking."""
    from passport_vc.clock import format_datetime
    from passport_web.signin import begin_session

    begin_session(account_id)  # server-side: signing out ends it everywhere it was copied
    session["signed_in_at"] = format_datetime(current_app.extensions["wallet"].now())
    g.account_id = account_id


def current_account_id() -> str | None:
    """The signed-in account, checked against the server's sessions once per request."""
    if "account_id" not in g:
        from passport_web.signin import session_subject

        g.account_id = session_subject()
    return g.account_id


def open_wallet(need: str) -> Wallet:
    me = current_account_id()
    worker = session.get("acting_for")
    if worker and worker != me:
        if need == "owner":
            raise ForbiddenError("Only the worker can do this in their own account. Stop "
                                 "helping them to use your own account.")
        try:
            actor = service().act_for(me, worker, need)
        except NotFoundError:
            session.pop("acting_for", None)  # the grant ended: back to their own wallet
            raise
        g.acting_for_name = service().account(worker).name
        return Wallet(worker, actor)
    try:
        account = service().account(me)
    except NotFoundError:
        end_session()  # the account is gone: sign out
        raise
    return Wallet(me, Actor(me, account.name))


def wallet_page(need: str):
    """Sign-in required; passes ``wallet`` (whose record, and who is acting) to the view."""
    if need not in NEEDS:
        raise ValueError(need)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_account_id():
                return redirect(url_for("accounts.sign_in", next=request.path))
            try:
                wallet = open_wallet(need)
            except NotFoundError:
                if not current_account_id():
                    return redirect(url_for("accounts.sign_in"))
                raise
            return view(*args, wallet=wallet, **kwargs)
        return wrapper
    return decorate


def field_errors(error: PassportError, default_field: str) -> dict[str, str]:
    return {(error.path or default_field).split(".")[0]: error.detail}


def status_of(error: PassportError) -> int:
    return int(error.to_problem().get("status", 400))
