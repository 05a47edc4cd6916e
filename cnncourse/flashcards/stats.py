"""Review statistics: reviews per day, true retention, cards by state, a 30-day due forecast, and a chart."""
from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.clock import Clock
from cnncourse.flashcards.deck import Deck
from cnncourse.flashcards.history import History
from cnncourse.flashcards.settings import Settings

DAYS = 30
RATING_COLOURS = {"Again": "#d62728", "Hard": "#ff7f0e", "Good": "#2ca02c", "Easy": "#1f77b4"}
STATE_NAMES = {sched.NEW: "New", 1: "Learning", 2: "Review", 3: "Relearning"}


@dataclass(frozen=True)
class Retention:
    """Answers to cards in the review state that were not Again, out of all such answers."""

    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None

    def __str__(self) -> str:
        return f"{self.rate:.1%} ({self.passed}/{self.total})" if self.total else "– (no reviews of learned cards)"


@dataclass(frozen=True)
class Stats:
    decks: tuple[str, ...]
    today: date  # the current study day
    history_days: tuple[date, ...]  # the last DAYS study days, oldest first
    reviews_per_day: tuple[dict[str, int], ...]  # per history day: rating name -> count
    retention_30d: Retention
    retention_all: Retention
    by_state: dict[str, int]
    forecast: tuple[int, ...]  # cards due on each of the next DAYS study days (day 0 includes overdue ones)

    @property
    def reviews_30d(self) -> int:
        return sum(sum(day.values()) for day in self.reviews_per_day)


def compute_stats(decks: list[Deck], history: History, clock: Clock, settings: Settings,
                  now: datetime | None = None) -> Stats:
    """Statistics of ``decks`` from the review history, by local study day."""
    now = now or clock.now()
    names = {deck.name for deck in decks}

    def study_date(moment: datetime) -> date:
        return clock.study_day(moment, settings.day_starts_at)[0]

    today = study_date(now)
    history_days = tuple(today - timedelta(days=DAYS - 1 - i) for i in range(DAYS))
    per_day = {day: Counter() for day in history_days}
    passed = {"30d": 0, "all": 0}
    total = {"30d": 0, "all": 0}
    for review, state in zip(history.reviews, sched.states_before(history)):
        if review.get("deck") not in names:
            continue
        day = study_date(datetime.fromisoformat(review["review_datetime"]))
        rating = sched.Rating(int(review["rating"]))
        if day in per_day:
            per_day[day][rating.name] += 1
        if state == sched.State.Review:
            for window in ("30d", "all") if day in per_day else ("all",):
                total[window] += 1
                passed[window] += rating != sched.Rating.Again
    by_state = dict.fromkeys(STATE_NAMES.values(), 0)
    forecast = [0] * DAYS
    for deck in decks:
        for card in deck.cards:
            if sched.is_new(card, history):
                by_state["New"] += 1
                continue
            state = sched.fsrs_state(card, history, now)
            by_state[STATE_NAMES[int(state.state)]] += 1
            offset = max(0, (study_date(state.due) - today).days)
            if offset < DAYS:
                forecast[offset] += 1
    return Stats(tuple(sorted(names)), today, history_days,
                 tuple(dict(per_day[day]) for day in history_days),
                 Retention(passed["30d"], total["30d"]), Retention(passed["all"], total["all"]),
                 by_state, tuple(forecast))


def stats_figure(stats: Stats):
    """A matplotlib Figure (no pyplot, so no GUI backend): review history on top, due forecast below."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 6.2), layout="constrained")
    history_ax, forecast_ax = figure.subplots(2, 1)
    x_history = list(range(-(DAYS - 1), 1))
    bottom = [0] * DAYS
    for name, colour in RATING_COLOURS.items():
        heights = [day.get(name, 0) for day in stats.reviews_per_day]
        history_ax.bar(x_history, heights, bottom=bottom, color=colour, label=name, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights)]
    history_ax.set_title(f"Reviews per day, last {DAYS} days ({stats.reviews_30d} reviews; "
                         f"true retention {stats.retention_30d})", loc="left")
    history_ax.set_xlabel("days ago (0 = today)")
    history_ax.set_ylabel("reviews")
    history_ax.legend(ncols=4, loc="upper left", frameon=False)
    history_ax.set_xlim(-DAYS + 0.4, 0.6)
    history_ax.set_ylim(0, max(bottom + [1]) * 1.25)
    forecast_ax.bar(range(DAYS), stats.forecast, color="#7f7f7f", width=0.8)
    states = ", ".join(f"{name} {count}" for name, count in stats.by_state.items())
    forecast_ax.set_title(f"Due forecast, next {DAYS} days (cards: {states})", loc="left")
    forecast_ax.set_xlabel("days from today (0 = today, with overdue cards)")
    forecast_ax.set_ylabel("cards due")
    forecast_ax.set_xlim(-0.6, DAYS - 0.4)
    for ax in (history_ax, forecast_ax):
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
    figure.suptitle(f"Flashcards: {', '.join(stats.decks) if len(stats.decks) <= 3 else f'{len(stats.decks)} decks'}"
                    f" — study day {stats.today:%Y-%m-%d}", fontweight="bold")
    return figure


def stats_png(stats: Stats) -> bytes:
    """The chart as PNG bytes (for the notebook widget)."""
    buffer = io.BytesIO()
    stats_figure(stats).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def save_stats_plot(stats: Stats, path: Path | str) -> Path:
    """Write the chart to a PNG file."""
    path = Path(path)
    path.write_bytes(stats_png(stats))
    return path
