"""Injectable "now" so tests and `--now` never depend on the wall clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
    from .errors import MalformedValueError

    if not isinstance(text, str) or len(text) > 64:
        raise MalformedValueError(f"Expected a date and time, got {text!r:.80}")
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
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
