"""Injectable "now" so tests and `--now` never depend on the wall clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(when: datetime | str) -> Clock:
    moment = parse_datetime(when) if isinstance(when, str) else when
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return lambda: moment


def parse_datetime(text: str) -> datetime:
    """Parse an XML Schema dateTimeStamp as used by VC (``Z`` or offset required)."""
    if not isinstance(text, str) or len(text) > 64:
        from .errors import MalformedValueError

        raise MalformedValueError(f"Expected a date and time, got {text!r:.80}")
    return _parse_datetime(text)


# Bounded memo: a batch signs and checks the same few moments over and over (issuance, valid
# from/until, the proof's created); a datetime is immutable, so sharing one is safe.
@lru_cache(maxsize=4096)
def _parse_datetime(text: str) -> datetime:
    from .errors import MalformedValueError

    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedValueError(f"{text!r} is not a valid date and time") from None
    if moment.tzinfo is None:
        raise MalformedValueError(f"{text!r} has no time zone (add Z for UTC)")
    if "T" not in text.upper():
        raise MalformedValueError(f"{text!r} has no time part")
    return moment


def format_datetime(moment: datetime) -> str:
    """Format as an XML Schema dateTimeStamp in UTC, seconds precision (``...Z``)."""
    if moment.tzinfo is None:  # naive means local time (as astimezone reads it): not cached
        return _format_utc(moment.astimezone(UTC))
    return _format_utc(moment)


@lru_cache(maxsize=4096)
def _format_utc(moment: datetime) -> str:
    # Keyed on the aware moment: equal instants in other zones share one entry, same text.
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
