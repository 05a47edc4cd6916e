"""A notebook review widget (ipywidgets) for one deck, on the same session engine and history as the terminal."""
from __future__ import annotations

import html

import fsrs
import ipywidgets as widgets

from cnncourse.flashcards import catalog, render
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.clock import Clock
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.history import HistoryError, HistoryStore
from cnncourse.flashcards.session import ReviewSession
from cnncourse.flashcards.settings import Settings, SettingsError, load_settings
from cnncourse.flashcards.stats import compute_stats, stats_png


class ReviewWidget(widgets.VBox):
    """Review a deck in a notebook: ``ReviewWidget("03_pooling")``.

    "Show answer", then a rating button (each shows the interval it gives), "Undo" takes the last
    rating back, "Stats" draws the review history and due forecast. Cards rated Again come back in the
    same sitting; daily limits and the history file are those of ``cnncourse flashcards review``.
    """

    def __init__(self, deck_slug: str, store: HistoryStore | None = None,
                 scheduler: fsrs.Scheduler | None = None, clock: Clock | None = None,
                 settings: Settings | None = None) -> None:
        problems: list[DeckFormatError] = []
        self.deck = catalog.find_deck(deck_slug, problems)
        self.clock = clock or Clock()
        self.header = widgets.HTML()
        self.question = widgets.HTML()
        self.answer = widgets.HTML()
        self.status = widgets.HTML()
        self.chart = widgets.Image(format="png", layout=widgets.Layout(display="none", max_width="720px"))
        self.revealed = False
        self.reveal_button = widgets.Button(description="Show answer", button_style="info")
        self.reveal_button.on_click(self.on_reveal)
        self.rating_buttons = []
        for rating in sched.Rating:
            button = widgets.Button(description=rating.name)
            button.on_click(lambda _button, rating=rating: self.on_rate(rating))
            self.rating_buttons.append(button)
        self.undo_button = widgets.Button(description="Undo", tooltip="Take the last rating back")
        self.undo_button.on_click(self.on_undo)
        self.refresh_button = widgets.Button(description="Refresh", tooltip="Look for cards that are due now")
        self.refresh_button.on_click(self.on_refresh)
        self.stats_button = widgets.Button(description="Stats", tooltip="Review history and due forecast")
        self.stats_button.on_click(self.on_stats)
        super().__init__([self.header, self.question, self.reveal_button, self.answer,
                          widgets.HBox(self.rating_buttons),
                          widgets.HBox([self.undo_button, self.refresh_button, self.stats_button]),
                          self.status, self.chart])
        self.session: ReviewSession | None = None
        try:
            self.session = ReviewSession([self.deck], store=store or HistoryStore(), scheduler=scheduler,
                                         clock=self.clock, settings=settings or load_settings())
        except (HistoryError, SettingsError, OSError) as err:  # e.g. a read-only course home: say so before any card
            self._disable_all()
            self.question.value = f"<b>{html.escape(self.deck.name)}</b>: reviews cannot start."
            self.status.value = html.escape(str(err))
            return
        notices = [*map(str, problems), *self.session.store.notices]
        self.session.store.notices.clear()
        self._show_card(notice=" ".join(notices))

    def _disable_all(self) -> None:
        for button in [self.reveal_button, *self.rating_buttons, self.undo_button, self.refresh_button]:
            button.disabled = True

    def on_reveal(self, _button=None) -> None:
        """Show the answer and enable the rating buttons, each labelled with its next interval."""
        if self.session is None or (card := self.session.current) is None:
            return
        self.answer.value = f"<b>Answer:</b> {render.answer_html(card)}"
        self.revealed = True
        self.reveal_button.disabled = True
        labels = self.session.button_labels()
        for button, rating in zip(self.rating_buttons, sched.Rating):
            button.description = f"{rating.name} · {labels[rating]}"
            button.disabled = False

    def on_rate(self, rating: sched.Rating) -> None:
        """Save the rating, tell when the card is due next (local time), and show the next card."""
        if self.session is None or self.session.current is None or not self.revealed:
            return  # nothing to rate, or the answer is not shown yet
        try:
            state = self.session.rate(rating)
        except HistoryError as err:
            self.status.value = html.escape(str(err))  # the card stays, so the rating can be given again
            return
        now = self.clock.now()
        self._show_card(notice=f"{rating.name}: next due {render.format_due(state.due, now, self.clock.tz)}")

    def on_undo(self, _button=None) -> None:
        """Take the last rating back; its card is shown again."""
        if self.session is None or not self.session.can_undo:
            return
        try:
            card = self.session.undo()
        except HistoryError as err:
            self.status.value = html.escape(str(err))
            return
        self._show_card(notice=f"Undone: your last rating of {card.question!r} was taken back.")

    def on_refresh(self, _button=None) -> None:
        """Pick the card due now (after waiting for a learning step)."""
        if self.session is not None and not self.revealed:
            self.session.next_card()
            self._show_card()

    def on_stats(self, _button=None) -> None:
        """Show (or hide) the chart of ``cnncourse flashcards stats``."""
        if self.chart.layout.display != "none":
            self.chart.layout.display = "none"
            return
        history = self.session.history if self.session else HistoryStore().load()
        settings = self.session.settings if self.session else load_settings()
        self.chart.value = stats_png(compute_stats([self.deck], history, self.clock, settings))
        self.chart.layout.display = None

    def _show_card(self, notice: str = "") -> None:
        session = self.session
        card = session.current
        self.answer.value = ""
        self.revealed = False
        for button, rating in zip(self.rating_buttons, sched.Rating):
            button.description = rating.name
            button.disabled = True
        self.undo_button.disabled = not session.can_undo
        counts = session.counts()
        self.header.value = (f"<b>{html.escape(self.deck.name)}</b> · New {counts.new} · "
                             f"Learning {counts.learning} · Due {counts.due}")
        if card is None:
            self.question.value = html.escape(session.summary())
            self.reveal_button.disabled = True
        else:
            self.question.value = html.escape(card.question)
            self.reveal_button.disabled = False
        self.status.value = html.escape(notice)
