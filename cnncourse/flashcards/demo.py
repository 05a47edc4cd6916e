"""A simulated learner, to produce realistic review data for the README's statistics chart.

``python -m cnncourse.flashcards.demo docs/img/flashcards_stats.png`` reviews five course decks
every evening for 30 days in a throw-away course home (time driven by a :class:`ManualClock`):
a card is recalled with the probability FSRS predicts for it, and then rated Hard, Good or Easy.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

DEMO_DECKS = ("01_cnn_vs_dense", "02_convolution", "03_pooling", "04_activations_dense_loss",
              "cnn_interview_questions")


def simulate(days: int = 30, seed: int = 0, start: datetime = datetime(2026, 10, 29, 18, 0, tzinfo=timezone.utc)):
    """Run the simulated reviews in the current course home; returns (decks, clock) at the end."""
    from cnncourse.flashcards import catalog
    from cnncourse.flashcards import scheduler as sched
    from cnncourse.flashcards.clock import ManualClock
    from cnncourse.flashcards.session import ReviewSession
    from cnncourse.flashcards.settings import Settings

    rng = random.Random(seed)
    clock = ManualClock(start)
    decks = [catalog.find_deck(name) for name in DEMO_DECKS]
    settings = Settings(new_per_day=5)
    for day in range(days):
        clock.current = start + timedelta(days=day, minutes=rng.randint(0, 120))
        if rng.random() < 0.15:  # a missed evening now and then
            continue
        session = ReviewSession(decks, clock=clock, settings=settings)
        while (card := session.current) is not None:
            state = sched.fsrs_state(card, session.history, clock.now())
            recall = 0.6 if state.stability is None else session.scheduler.get_card_retrievability(state, clock.now())
            clock.advance(seconds=rng.uniform(4, 20))
            if rng.random() > recall:
                session.rate(sched.Rating.Again)
            else:
                session.rate(rng.choices([sched.Rating.Hard, sched.Rating.Good, sched.Rating.Easy], [1, 6, 1])[0])
    return decks, clock


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["CNNCOURSE_HOME"] = home
        from cnncourse.flashcards.history import HistoryStore
        from cnncourse.flashcards.settings import Settings
        from cnncourse.flashcards.stats import compute_stats, save_stats_plot

        decks, clock = simulate()
        stats = compute_stats(decks, HistoryStore().load(), clock, Settings())
        save_stats_plot(stats, Path(out))
        print(f"{stats.reviews_30d} reviews, retention {stats.retention_30d}, cards {stats.by_state} -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "flashcards_stats.png")
