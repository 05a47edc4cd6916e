"""Time for the flashcards: the current moment (UTC) and the learner's local time zone and study day.

Sessions, limits and statistics take a clock object, so tests and demos can drive time by hand
(:class:`ManualClock`) instead of sleeping.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo


class Clock:
    """The real clock; ``tz=None`` means the computer's local time zone."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz

    def now(self) -> datetime:
        """The current moment, timezone-aware in UTC (what fsrs requires)."""
        return datetime.now(timezone.utc)

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the learner's local time zone."""
        return moment.astimezone(self.tz)

    def _from_local_wall_time(self, naive: datetime) -> datetime:
        local = naive.astimezone() if self.tz is None else naive.replace(tzinfo=self.tz)
        return local.astimezone(timezone.utc)

    def study_day(self, moment: datetime, starts_at_hour: int) -> tuple[date, datetime, datetime]:
        """(the study day's date, its start, its end) for ``moment``; start and end in UTC.

        A study day runs from ``starts_at_hour`` local time to the same hour the next day (Anki's
        "next day starts at", 4 am by default), so a session after midnight still counts for the
        evening before.
        """
        local = self.local(moment).replace(tzinfo=None)
        start = local.replace(hour=starts_at_hour, minute=0, second=0, microsecond=0)
        if local < start:
            start -= timedelta(days=1)
        return (start.date(), self._from_local_wall_time(start),
                self._from_local_wall_time(start + timedelta(days=1)))

    def format_time(self, moment: datetime) -> str:
        """``14:05`` for today's moments, ``Sat 28 Nov 14:05`` otherwise (local time)."""
        local, today = self.local(moment), self.local(self.now())
        return local.strftime("%H:%M" if local.date() == today.date() else "%a %d %b %H:%M")


class ManualClock(Clock):
    """A clock that only moves when told to (tests, demos): ``clock.advance(minutes=5)``."""

    def __init__(self, start: datetime, tz: tzinfo | None = timezone.utc) -> None:
        super().__init__(tz)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self.current = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current
