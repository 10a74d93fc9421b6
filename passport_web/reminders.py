"""What the wallet's and the verifier's refresher reminders share: when a reminder is due.

A worker (wallet/reminders.py) and an employer for their staff (verifier/reminders.py) are told
90, 30 and 7 days before training runs out. The threshold for a number of days left is the
smallest reminder day at or above it: 47 days left → the 90-day reminder, 5 days → the 7-day
one (a credential first seen late gets only the latest reminder, not three at once).
"""

from __future__ import annotations

DEFAULT_DAYS = (90, 30, 7)


def threshold_for(days_left: int, days: tuple[int, ...] = DEFAULT_DAYS) -> int | None:
    if days_left < 0:
        return None
    crossed = [day for day in sorted(days) if days_left <= day]
    return crossed[0] if crossed else None


def days_text(days: tuple[int, ...] = DEFAULT_DAYS) -> str:
    """"90, 30 and 7"."""
    words = [str(day) for day in sorted(days, reverse=True)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def when_text(days_left: int) -> str:
    if days_left == 0:
        return "today"
    return "tomorrow" if days_left == 1 else f"in {days_left} days"
