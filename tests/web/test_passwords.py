from datetime import UTC, datetime, timedelta

from passport_web.passwords import (
    check_password,
    hash_password,
    locked_until,
    password_problem,
    wait_after_failures,
)


def test_argon2id_round_trip_and_wrong_password():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert check_password(stored, "correct horse battery")
    assert not check_password(stored, "correct horse batterY")
    assert not check_password(None, "anything")
    assert not check_password("not a hash", "anything")


def test_password_rules_are_explained():
    assert "at least 8" in password_problem("short")
    assert password_problem("aaaaaaaaaa") == "Choose a password that is harder to guess"
    assert password_problem("a long and pasted passphrase") is None


def test_throttle_grows_but_is_capped():
    assert wait_after_failures(4) == timedelta(0)
    assert wait_after_failures(5) == timedelta(seconds=30)
    assert wait_after_failures(6) == timedelta(seconds=60)
    assert wait_after_failures(50) == timedelta(minutes=15)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    assert locked_until(2, moment) is None
    assert locked_until(5, moment) == moment + timedelta(seconds=30)
