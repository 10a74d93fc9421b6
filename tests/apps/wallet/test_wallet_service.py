"""WalletService over the real database (SQLite and PostgreSQL): accounts and keys, receiving
and verifying, the record's states, sharing, backup/restore, helpers."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from wallet_support import PASSWORD

from passport_vc.errors import (
    AuthError,
    ConflictError,
    CryptographicSecurityError,
    ForbiddenError,
    MalformedValueError,
    NotFoundError,
)
from passport_vc.keys.storage import open_private_key
from passport_vc.qr import encode_compact
from passport_vc.share_links import decrypt_shared
from wallet import storage


def count(service, table) -> int:
    with service.db.reading() as session:
        return session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# --- accounts and keys ------------------------------------------------------------------------
def test_account_has_a_sealed_did_key_and_hashed_recovery_codes(service):
    account = service.create_account("Amina@Example.com ", PASSWORD, "Amina Okafor")
    assert account.login == "amina@example.com"
    assert account.did.startswith("did:key:z6Mk") and service.holder_did(account.id) == account.did
    assert len(account.recovery_codes) == 10
    with service.db.reading() as session:
        row = storage.holder_key(session, account.id)
        codes = session.execute(sa.select(storage.recovery_codes.c.code_hash)).scalars().all()
        password_hash = storage.account_by_id(session, account.id)["password_hash"]
    key = open_private_key(row["sealed"], service.config.master_key_bytes(), context=account.did)
    assert "did:key:" + key.public_key.multibase == account.did
    with pytest.raises(CryptographicSecurityError):  # the sealed key is bound to its DID
        open_private_key(row["sealed"], service.config.master_key_bytes(), context="did:other")
    assert password_hash.startswith("$argon2id$")
    assert not set(account.recovery_codes) & set(codes)
    assert all(code not in row["sealed"] for code in account.recovery_codes)


def test_user_name_accounts_and_bad_sign_up_input_change_nothing(service):
    service.create_account("amina.okafor", PASSWORD, "Amina Okafor")
    before = count(service, storage.accounts)
    for login, password, name, field in [("amina.okafor", PASSWORD, "Amina", "login"),
                                         ("a b", PASSWORD, "Amina", "login"),
                                         ("x@y", PASSWORD, "Amina", "login"),
                                         ("sam", "short", "Sam", "password"),
                                         ("sam", PASSWORD, "  ", "name")]:
        with pytest.raises((MalformedValueError, ConflictError)) as caught:
            service.create_account(login, password, name)
        assert caught.value.path == field
    assert count(service, storage.accounts) == before


def test_sign_in_throttles_and_recovery_code_works_once(service):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    assert service.authenticate("AMINA", PASSWORD).id == account.id
    for _ in range(5):
        with pytest.raises(AuthError):
            service.authenticate("amina", "wrong password")
    # No account lock here: guessing is slowed per place by the web layer, so a stranger's
    # guesses never lock Amina out (tests/security/test_sessions.py).
    assert service.authenticate("amina", PASSWORD).id == account.id
    with pytest.raises(AuthError):
        service.authenticate("nobody", PASSWORD)
    code = account.recovery_codes[3]
    assert service.recover("amina", code.upper(), "a brand new password").id == account.id
    assert service.authenticate("amina", "a brand new password").id == account.id
    with pytest.raises(AuthError):
        service.recover("amina", code, "another new password")
    assert service.unused_recovery_codes(account.id) == 9


# --- receiving ----------------------------------------------------------------------------------
def test_add_json_jwt_and_qr_forms_and_recognise_duplicates(service, provider):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    document, _ = provider.issue("moving-and-handling")
    first = service.add_credential(account.id, json.dumps(document))
    assert (first.format, first.state, first.duplicate) == ("ldp_vc", "valid", False)
    again = service.add_credential(account.id, encode_compact(document))  # same, via its QR
    assert again.duplicate and again.id == first.id
    token, _ = provider.issue_jwt("fire-safety")
    stored = service.add_credential(account.id, token)
    assert (stored.format, stored.title, stored.state) == ("jwt_vc", "Fire safety", "valid")
    assert service.add_credential(account.id, token).duplicate
    assert count(service, storage.credentials) == 2
    detail = service.credential(account.id, stored.id)
    assert detail["document"]["name"] == "Fire safety"  # the JWT's payload, for the page


def test_forged_and_malformed_are_refused_and_nothing_is_stored(service, provider):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    document, _ = provider.issue()
    forged = json.loads(json.dumps(document))
    forged["credentialSubject"]["identifier"][0]["identityHash"] = "Somebody Else"
    with pytest.raises(CryptographicSecurityError) as caught:
        service.add_credential(account.id, json.dumps(forged))
    assert "not genuine" in caught.value.detail
    injected = json.loads(json.dumps(document))
    injected["credentialSubject"]["careHoursCompleted"] = 1000  # undefined term (trap 1)
    for bad in (json.dumps(injected), "{not json", "hello", "SP1:????", ""):
        with pytest.raises(MalformedValueError):
            service.add_credential(account.id, bad)
    assert count(service, storage.credentials) == 0


def test_revoked_expired_and_not_yet_valid_are_stored_and_shown_as_such(service, provider):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    revoked, index = provider.issue("medication")
    provider.set("revocation", index)
    old, _ = provider.issue("fire-safety", completed=date(2024, 6, 1))  # yearly: expired 2025
    assert service.add_credential(account.id, revoked).state == "revoked"
    assert service.add_credential(account.id, old).state == "expired"
    assert count(service, storage.credentials) == 2


def test_record_groups_and_every_state_at_a_fixed_clock(service, provider, now):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    plan = {  # course, completed, status to set -> expected state
        "care-certificate": (date(2025, 2, 1), None, "valid"),
        "moving-and-handling": (date(2026, 1, 10), None, "due-soon"),  # due 10 Jan 2027
        "fire-safety": (date(2025, 9, 1), None, "expired"),
        "safeguarding-adults": (date(2026, 5, 1), "suspension", "suspended"),
        "infection-prevention-and-control": (date(2026, 5, 1), "revocation", "revoked"),
        "level-3-diploma-in-adult-care": (date(2024, 7, 1), None, "valid"),
        "oliver-mcgowan-tier-1": (date(2026, 2, 1), None, "valid"),
    }
    for course, (completed, purpose, _) in plan.items():
        document, index = provider.issue(course, completed=completed)
        if purpose:
            provider.set(purpose, index)
        service.add_credential(account.id, document)
    groups = {group.key: group for group in service.record(account.id, now)}
    assert [group.key for group in groups.values()] == [
        "care-certificate", "mandatory", "qualification", "other"]
    states = {entry.title: entry.state for group in groups.values() for entry in group.entries}
    assert sorted(states.values()) == sorted(expected for *_, expected in plan.values())
    assert [e.title for e in groups["care-certificate"].entries] == ["Care Certificate"]
    assert len(groups["mandatory"].entries) == 5  # incl. Oliver McGowan
    assert groups["qualification"].entries[0].state == "valid"
    # dates are re-checked at "now" without a network call: a year later all yearly ones expire
    later = {e.title: e.state for e in service.entries(account.id, now + timedelta(days=365))}
    assert later["Moving and handling of people"] == "expired"
    assert later["Care Certificate"] == "valid"


def test_recheck_picks_up_revocation_and_records_when(service, provider, network, now):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    document, index = provider.issue()
    stored = service.add_credential(account.id, document)
    provider.set("revocation", index)
    assert service.entries(account.id)[0].state == "valid"  # not checked again yet
    assert [item.state for item in service.recheck(account.id)] == ["revoked"]
    entry = service.entries(account.id)[0]
    assert entry.state == "revoked" and entry.checked_at == now
    with pytest.raises(NotFoundError):
        service.recheck(account.id, "0" * 32)
    del network.fetcher.documents[provider.list_url("revocation")]  # provider unreachable
    assert service.recheck(account.id, stored.id)[0].state == "status-unknown"


# --- sharing ------------------------------------------------------------------------------------
def test_share_link_decrypts_only_with_its_fragment_and_verifies(service, provider, network, now):
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    for course in ("moving-and-handling", "fire-safety"):
        service.add_credential(account.id, provider.issue(course)[0])
    token, _ = provider.issue_jwt("medication")
    service.add_credential(account.id, token)
    old, _ = provider.issue("basic-life-support", completed=date(2024, 1, 1))
    service.add_credential(account.id, old)  # expired: not "current"
    share = service.create_share(account.id, "all-current", challenge="c-123",
                                 domain="rosecare.example")
    address, key = share.url.split("#")
    assert address == f"http://localhost:5002/s/{share.id}" and len(share.credential_ids) == 3
    envelope = service.shared_envelope(share.id)
    assert envelope["type"] == "SkillsPassportSharedPresentation" and envelope["alg"] == "A256GCM"
    with service.db.reading() as session:
        stored = storage.share_by_id(session, share.id)
    assert key not in json.dumps(stored, default=str) and "did:key" not in stored["ciphertext"]
    presentation = decrypt_shared(envelope, key)
    result = network.verifier().verify_presentation(presentation, challenge="c-123",
                                                    domain="rosecare.example")
    assert result.verified, result.to_json()
    assert result.facts["holder"] == account.did and len(result.credentials) == 3
    assert network.verifier().verify_presentation(presentation, challenge="other").verified \
        is False
    other_key = service.create_share(account.id, "all-current").url.split("#")[1]
    with pytest.raises(CryptographicSecurityError):
        decrypt_shared(envelope, other_key)
    with pytest.raises(MalformedValueError):
        decrypt_shared(envelope, key[:20])
    _, views = service.share(account.id, share.id)
    assert [view["how"] for view in views] == ["data"] and views[0]["viewed_at"] == now


def test_revoked_and_expired_shares_are_gone(app, service, provider, clock, now, network):
    from passport_vc.clock import fixed_clock
    from wallet.service import WalletService

    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    stored = service.add_credential(account.id, provider.issue()[0])
    share = service.create_share(account.id, [stored.id], hours=2)
    service.shared_envelope(share.id)
    service.revoke_share(account.id, share.id)
    with pytest.raises(NotFoundError):
        service.shared_envelope(share.id)
    short = service.create_share(account.id, [stored.id], hours=1)
    later = WalletService(service.db, service.config.__class__(
        **{**service.config.__dict__, "clock": fixed_clock(now + timedelta(hours=1))}), network)
    with pytest.raises(NotFoundError):
        later.shared_envelope(short.id)
    assert service.shared_envelope(short.id)["type"]  # still open an hour earlier


def test_share_input_is_checked(service, provider):
    worker = service.create_account("amina", PASSWORD, "Amina Okafor")
    other = service.create_account("sam", PASSWORD, "Sam Lee")
    mine = service.add_credential(worker.id, provider.issue()[0])
    theirs = service.add_credential(other.id, provider.issue()[0])
    with pytest.raises(MalformedValueError):
        service.create_share(worker.id, [])
    with pytest.raises(MalformedValueError):
        service.create_share(worker.id, [mine.id], hours=0)
    with pytest.raises(MalformedValueError):
        service.create_share(worker.id, [mine.id], challenge="x" * 300)
    with pytest.raises(NotFoundError):
        service.create_share(worker.id, [mine.id, theirs.id])
    with pytest.raises(MalformedValueError):
        service.create_share(worker.id, "all-current", hours=10**6)
    assert count(service, storage.shares) == 0


# --- keeping ------------------------------------------------------------------------------------
def test_backup_restore_gives_the_same_record_and_a_working_key(service, provider, network):
    worker = service.create_account("amina", PASSWORD, "Amina Okafor")
    service.add_credential(worker.id, provider.issue("care-certificate")[0])
    service.add_credential(worker.id, provider.issue_jwt("fire-safety")[0])
    revoked, index = provider.issue("medication")
    provider.set("revocation", index)
    service.add_credential(worker.id, revoked)
    data = service.backup(worker.id, "three little words")
    assert b"did:key" not in data and b"Fire safety" not in data
    fresh = service.create_account("amina.new", PASSWORD, "Amina Okafor")
    with pytest.raises(CryptographicSecurityError):
        service.restore(fresh.id, data, "wrong passphrase")
    with pytest.raises(MalformedValueError):
        service.restore(fresh.id, b'{"type": "something else"}', "three little words")
    assert count(service, storage.credentials) == 3
    assert service.restore(fresh.id, data, "three little words") == 3
    assert service.holder_did(fresh.id) == worker.did

    def record(account_id):
        return [(g.key, [(e.title, e.state, e.completed, e.valid_until, e.format)
                         for e in g.entries]) for g in service.record(account_id)]
    assert record(fresh.id) == record(worker.id)
    share = service.create_share(fresh.id, "all-current")
    presentation = decrypt_shared(service.shared_envelope(share.id), share.url.split("#")[1])
    assert network.verifier().verify_presentation(presentation).verified
    with pytest.raises(ConflictError):  # only into an empty account
        service.restore(fresh.id, data, "three little words")
    with pytest.raises(MalformedValueError):
        service.backup(worker.id, "short")


def test_export_folder_zip_has_every_credential_file(service, provider):
    worker = service.create_account("amina", PASSWORD, "Amina Okafor")
    document, _ = provider.issue("care-certificate")
    service.add_credential(worker.id, document)
    token, _ = provider.issue_jwt("fire-safety")
    service.add_credential(worker.id, token)
    archive = zipfile.ZipFile(io.BytesIO(service.export_folder_zip(worker.id)))
    names = sorted(archive.namelist())
    assert names == ["README.txt", "credentials/care-certificate.json",
                     "credentials/fire-safety.jwt", "record.csv"]
    assert json.loads(archive.read("credentials/care-certificate.json")) == document
    assert archive.read("credentials/fire-safety.jwt").decode() == token
    assert "Fire safety" in archive.read("record.csv").decode()


# --- helpers ------------------------------------------------------------------------------------
def test_helper_grants_are_scoped_timed_revocable_and_logged(service, provider, now, network):
    from passport_vc.clock import fixed_clock
    from wallet.service import WalletService

    worker = service.create_account("amina", PASSWORD, "Amina Okafor")
    helper = service.create_account("manager@rosecare.example", PASSWORD, "Rita Manager")
    stranger = service.create_account("sam", PASSWORD, "Sam Lee")
    with pytest.raises(NotFoundError):
        service.act_for(helper.id, worker.id, "view")
    with pytest.raises(MalformedValueError):
        service.authorise_helper(worker.id, "amina")  # not yourself
    with pytest.raises(MalformedValueError):
        service.authorise_helper(worker.id, "nobody@example.com")
    grant = service.authorise_helper(worker.id, "Manager@RoseCare.example", scope="receive",
                                     days=7)
    actor = service.act_for(helper.id, worker.id, "receive")
    assert actor.is_helper and actor.name == "Rita Manager"
    with pytest.raises(ForbiddenError):
        service.act_for(helper.id, worker.id, "present")
    with pytest.raises(NotFoundError):
        service.act_for(stranger.id, worker.id, "view")
    service.add_credential(worker.id, provider.issue()[0], actor=actor)
    log = service.activity(worker.id)
    assert log[0]["action"] == "credential-added" and log[0]["actor_name"] == "Rita Manager"
    assert [w["worker_id"] for w in service.helping(helper.id)] == [worker.id]
    week_later = WalletService(service.db, service.config.__class__(
        **{**service.config.__dict__, "clock": fixed_clock(now + timedelta(days=7))}), network)
    with pytest.raises(NotFoundError):
        week_later.act_for(helper.id, worker.id, "receive")
    service.revoke_helper(worker.id, grant["id"])
    with pytest.raises(NotFoundError):
        service.act_for(helper.id, worker.id, "view")
    with pytest.raises(NotFoundError):
        service.revoke_helper(stranger.id, grant["id"])
    assert service.helping(helper.id) == []
    assert {"helper-added", "helper-removed"} <= {e["action"] for e in service.activity(
        worker.id)}


def test_isolation_in_the_service_layer(service, provider):
    worker = service.create_account("amina", PASSWORD, "Amina Okafor")
    other = service.create_account("sam", PASSWORD, "Sam Lee")
    stored = service.add_credential(worker.id, provider.issue()[0])
    share = service.create_share(worker.id, [stored.id])
    for call in (lambda: service.credential(other.id, stored.id),
                 lambda: service.download(other.id, stored.id),
                 lambda: service.qr_text(other.id, stored.id),
                 lambda: service.remove_credential(other.id, stored.id),
                 lambda: service.recheck(other.id, stored.id),
                 lambda: service.share(other.id, share.id),
                 lambda: service.revoke_share(other.id, share.id)):
        with pytest.raises(NotFoundError):
            call()
    assert service.entries(other.id) == [] and service.shares(other.id) == []
    assert service.shared_envelope(share.id)  # untouched by the attempts
