"""Status lists at scale: roll-over to a new list when one is full (indexes never reused, also
across lists), batch revocation (all or nothing; API and CLI), incremental publishing (only the
changed list is signed again) and the cache headers a CDN honours."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from issuer.events import history
from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError, TooLargeError
from passport_vc.status import decode_list, get_status

ROOT = Path(__file__).resolve().parents[3]
PASSPORT = str(Path(sys.executable).parent / "passport")


def _issue(service, count: int, slug: str = "acme"):
    return [service.issuance.issue(slug, "fire-safety", subject_name=f"Worker {n}",
                                   completed=date(2026, 1, 2)) for n in range(count)]


def _bits(client, slug: str, list_no: int) -> bytes:
    response = client.get(f"/status/{slug}/message/{list_no}")
    assert response.status_code == 200
    return decode_list(response.json["credentialSubject"]["encodedList"])


def _app_with(config, **changes):
    from issuer import create_app

    return create_app(replace(config, **changes))


@pytest.fixture
def small(config):
    """An issuer whose lists have 16 entries, so roll-over happens within a test (in
    production 131,072 or more), with one provider."""
    app = _app_with(config, status_list_size=16)
    service = app.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    yield service, app.test_client()
    service.db.dispose()


def test_full_lists_roll_over_and_no_index_is_used_twice(small):
    small_lists, _ = small
    records = _issue(small_lists, 40)
    positions = [record.lifecycle for record in records]
    assert len(set(positions)) == 40  # never the same (list, index), across roll-over too
    assert sorted({list_no for list_no, _ in positions}) == [1, 2, 3]
    per_list = {n: sorted(i for list_no, i in positions if list_no == n) for n in (1, 2)}
    assert per_list[1] == list(range(16)) and per_list[2] == list(range(16))  # full, then next
    assert [i for list_no, i in positions[:16]] != list(range(16))  # handed out at random


def _stored_bits(service, list_no: int) -> bytes:
    from sqlalchemy import select

    from issuer.storage import status_lists

    with service.db.reading() as session:
        return session.execute(select(status_lists.c.bits).where(
            status_lists.c.purpose == "message", status_lists.c.list_no == list_no)).scalar()


def test_batch_revoke_across_rolled_over_lists(small):
    service, _ = small
    records = _issue(service, 40)
    chosen = records[::2]
    assert service.status.revoke_many([r.id for r in chosen], "Assessor struck off",
                                      provider="acme", actor="test") == 20
    for record in records:
        list_no, index = record.lifecycle
        expected = 2 if record in chosen else 0
        assert get_status(_stored_bits(service, list_no), index, 2) == expected
        assert service.register.record(record.id).state == ("revoked" if expected else "active")
    assert [(e["action"], e["actor"]) for e in history(service.db, chosen[0].id)][-1] == (
        "revoke", "test")


def test_batch_revoke_signs_again_only_the_lists_that_changed(service, acme, client):
    service.providers.create_provider("Other Training", "other")
    ours, theirs = _issue(service, 6), _issue(service, 3, "other")
    etags = {slug: client.get(f"/status/{slug}/message/1").headers["ETag"]
             for slug in ("acme", "other")}
    assert service.status.revoke_many([r.id for r in ours[:4]], "Course withdrawn") == 4
    bits = _bits(client, "acme", 1)
    assert [get_status(bits, r.lifecycle[1], 2) for r in ours] == [2, 2, 2, 2, 0, 0]
    assert client.get("/status/acme/message/1").headers["ETag"] != etags["acme"]
    # the other provider's list was not touched: served as stored, byte for byte
    assert client.get("/status/other/message/1").headers["ETag"] == etags["other"]
    assert all(service.register.record(r.id).state == "active" for r in theirs)


@pytest.mark.parametrize("bad", ["unknown", "revoked", "other-provider", "twice"])
def test_batch_revoke_is_all_or_nothing(service, acme, client, bad):
    service.providers.create_provider("Other Training", "other")
    records = _issue(service, 5)
    ids = [r.id for r in records]
    if bad == "unknown":
        ids.append("f" * 32)
    elif bad == "revoked":
        service.status.revoke(records[0].id, "Issued in error")
    elif bad == "other-provider":
        ids.append(_issue(service, 1, "other")[0].id)
    else:
        ids.append(ids[1])
    before = {n: client.get(f"/status/acme/message/{n}").headers["ETag"] for n in (1,)}
    error = {"unknown": NotFoundError, "revoked": ConflictError,
             "other-provider": NotFoundError, "twice": MalformedValueError}[bad]
    with pytest.raises(error) as raised:
        service.status.revoke_many(ids, "Withdrawn", provider="acme")
    assert "nothing was revoked" in raised.value.detail or bad == "twice"
    expected = ["revoked" if bad == "revoked" and r.id == records[0].id else "active"
                for r in records]
    assert [service.register.record(r.id).state for r in records] == expected
    if bad != "revoked":
        assert client.get("/status/acme/message/1").headers["ETag"] == before[1]


@pytest.mark.parametrize("ids", [[], "abc", [1, 2], ["x" * 33], None])
def test_batch_revoke_refuses_malformed_lists(service, acme, ids):
    with pytest.raises(MalformedValueError):
        service.status.revoke_many(ids, "Withdrawn")


def test_batch_revoke_is_bounded(service, acme):
    with pytest.raises(TooLargeError):
        service.status.revoke_many([f"{n:032x}" for n in range(50_001)], "Withdrawn")


def test_batch_revoke_needs_a_reason(service, acme):
    record = _issue(service, 1)[0]
    with pytest.raises(MalformedValueError):
        service.status.revoke_many([record.id], "  ")
    assert service.register.record(record.id).state == "active"


def test_batch_revoke_also_clears_suspension_of_older_credentials(service, acme, client):
    """A suspended credential revoked in a batch ends revoked (2-bit value 2, not 1)."""
    records = _issue(service, 3)
    service.status.suspend(records[0].id, "Under review")
    service.status.revoke_many([r.id for r in records], "Withdrawn")
    for record in records:
        list_no, index = record.lifecycle
        assert get_status(_bits(client, "acme", list_no), index, 2) == 2


def test_revocations_api(service, acme, client):
    token = service.access.create_api_token("acme", "LMS")[1]
    headers = {"Authorization": f"Bearer {token}"}
    records = _issue(service, 4)
    answer = client.post("/api/v1/revocations", headers=headers,
                         json={"ids": [r.id for r in records], "reason": "Course withdrawn"})
    assert answer.status_code == 200 and answer.json == {"revoked": 4}
    again = client.post("/api/v1/revocations", headers=headers,
                        json={"ids": [records[0].id], "reason": "Course withdrawn"})
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    for body, status in [({"ids": "x", "reason": "r"}, 422), ({"ids": ["a"]}, 422),
                         ({"ids": ["a"], "reason": "r"}, 404),
                         ({"ids": [records[0].id], "reason": "r", "extra": 1}, 400)]:
        response = client.post("/api/v1/revocations", headers=headers, json=body)
        assert response.status_code == status, (body, response.json)
        assert response.mimetype == "application/problem+json"
    assert client.post("/api/v1/revocations", json={"ids": ["a"], "reason": "r"}
                       ).status_code == 401


def test_status_list_answers_304_and_carries_cdn_headers(service, acme, client):
    _issue(service, 1)
    first = client.get("/status/acme/message/1")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get("/status/acme/message/1", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_list_size_is_configurable_within_bounds():
    from issuer.config import IssuerConfig
    from passport_vc.errors import ConfigError

    environ = {"PASSPORT_MASTER_KEY": _master(), "SECRET_KEY": "s" * 40,
               "DATABASE_URL": "sqlite://"}
    assert IssuerConfig.from_env({**environ, "ISSUER_STATUS_LIST_SIZE": "1,048,576"}
                                 ).status_list_size == 1_048_576
    assert IssuerConfig.from_env(environ).status_list_size == 131_072
    for bad in ("1000", "9000000", "lots"):
        with pytest.raises(ConfigError):
            IssuerConfig.from_env({**environ, "ISSUER_STATUS_LIST_SIZE": bad})


def test_a_million_entry_list_publishes_and_verifies(config, clock, fetcher_for):
    from passport_vc.did import default_resolver
    from passport_vc.verify import Verifier
    from schemas import schema_store

    app = _app_with(config, status_list_size=1_048_576)
    service, client = app.extensions["issuer"], app.test_client()
    service.providers.create_provider("Acme Care Training", "acme")
    verifier = Verifier(resolver=default_resolver(did_documents_dir=config.did_documents_dir),
                        fetch=fetcher_for(client, clock), clock=clock, schemas=schema_store())
    record = _issue(service, 1)[0]
    service.status.revoke(record.id, "Issued in error")
    served = client.get("/status/acme/message/1")
    bits = decode_list(served.json["credentialSubject"]["encodedList"])
    assert len(bits) == 1_048_576 * 2 // 8
    assert verifier.verify_credential(served.json).verified
    assert verifier.verify_credential(record.document).check("status").ok is False
    service.db.dispose()


def test_cli_revokes_a_file_of_references(tmp_path):
    """``passport issuer revoke --file`` end to end, in a real process, with progress on stderr."""
    from passport_vc.keys.storage import generate_master_key

    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'issuer.db'}",
           "PASSPORT_MASTER_KEY": generate_master_key(), "SECRET_KEY": "s" * 40,
           "ISSUER_INSTANCE": str(tmp_path / "instance"),
           "PASSPORT_DID_DOCUMENTS_OUT": str(tmp_path / "did-documents")}

    def passport(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PASSPORT, "issuer", *args],  # noqa: S603
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert passport("add-provider", "acme", "Acme Care Training").returncode == 0
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_web.sql import Database

    config = IssuerConfig.from_env(env)
    database = Database(config.database_url, metadata)
    service = IssuerService(database, config)
    records = _issue(service, 6)
    listing = tmp_path / "ids.txt"
    listing.write_text("# withdrawn course\n" + "\n".join(r.id for r in records[:5]) + "\n\n")

    done = passport("revoke", "--file", str(listing), "--provider", "acme",
                    "--reason", "Course withdrawn")
    assert done.returncode == 0, done.stderr
    assert "Revoked 5 credentials" in done.stdout and "5 of 5 revoked" in done.stderr
    assert [service.register.record(r.id).state for r in records] == ["revoked"] * 5 + ["active"]

    refused = passport("revoke", records[0].id, records[5].id, "--reason", "Again")
    assert refused.returncode == 1 and "nothing was revoked" in refused.stderr
    assert service.register.record(records[5].id).state == "active"
    database.dispose()


def _master() -> str:
    from passport_vc.keys.storage import generate_master_key

    return generate_master_key()
