"""A notebook review widget (ipywidgets) for one deck, sharing the terminal's review history."""
from __future__ import annotations

import html
from datetime import datetime

import fsrs
import ipywidgets as widgets

from cnncourse.flashcards import catalog, render
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.session import ReviewSession


class ReviewWidget(widgets.VBox):
    """Review a deck's due cards in a notebook: ``ReviewWidget("03_pooling")``.

    Reviews are saved to the same history file as ``cnncourse flashcards review``.
    """

    def __init__(self, deck_slug: str, store: HistoryStore | None = None,
                 scheduler: fsrs.Scheduler | None = None, now: datetime | None = None,
                 limit: int = 20) -> None:
        self.deck = catalog.find_deck(deck_slug)
        self.session = ReviewSession([self.deck], store=store or HistoryStore(),
                                     scheduler=scheduler, now=now, limit=limit)
        self.question = widgets.HTML()
        self.answer = widgets.HTML()
        self.status = widgets.HTML()
        self.revealed = False
        self.reveal_button = widgets.Button(description="Show answer", button_style="info")
        self.reveal_button.on_click(self.on_reveal)
        self.rating_buttons = []
        for rating in sched.Rating:
            button = widgets.Button(description=f"{int(rating)} {rating.name}")
            button.on_click(lambda _button, rating=rating: self.on_rate(rating))
            self.rating_buttons.append(button)
        super().__init__([self.question, self.reveal_button, self.answer,
                          widgets.HBox(self.rating_buttons), self.status])
        self._show_card(notice=" ".join(self.session.store.notices))
        self.session.store.notices.clear()

    def on_reveal(self, _button=None) -> None:
        """Show the answer and enable the rating buttons."""
        card = self.session.current
        if card is None:
            return
        self.answer.value = f"<b>Answer:</b> {render.answer_html(card)}"
        self.revealed = True
        self.reveal_button.disabled = True
        for button in self.rating_buttons:
            button.disabled = False

    def on_rate(self, rating: sched.Rating) -> None:
        """Save the rating, tell when the card is due next, and show the next card."""
        if self.session.current is None or not self.revealed:
            return  # nothing to rate, or the answer is not shown yet
        state = self.session.rate(rating)
        self._show_card(notice=f"{rating.name}: next due {render.format_due(state.due, sched.utc_now())}")

    def _show_card(self, notice: str = "") -> None:
        card = self.session.current
        self.answer.value = ""
        self.revealed = False
        for button in self.rating_buttons:
            button.disabled = True
        if card is None:
            self.question.value = f"<b>{html.escape(self.deck.name)}</b>: nothing is due, well done."
            self.reveal_button.disabled = True
        else:
            self.question.value = (f"<b>{html.escape(self.deck.name)}</b> · card "
                                   f"{self.session.position + 1}/{len(self.session.queue)}<br>"
                                   f"{html.escape(card.question)}")
            self.reveal_button.disabled = False
        self.status.value = html.escape(notice)
