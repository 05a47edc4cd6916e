"""Flashcards: plain-text decks, FSRS scheduling, a terminal and a notebook review, Anki export.

Course tooling: not imported by the lessons.

``from cnncourse.flashcards import ReviewWidget`` in a notebook; ``cnncourse flashcards`` in a terminal.
"""
from cnncourse.flashcards.catalog import find_deck, import_deck, load_decks
from cnncourse.flashcards.deck import Card, Deck, parse_deck
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.clock import Clock, ManualClock
from cnncourse.flashcards.history import HistoryError, HistoryStore, history_path
from cnncourse.flashcards.links import LESSON_SLUGS, lesson_of, seed_cards_for_lesson
from cnncourse.flashcards.seeds import parse_qa_list
from cnncourse.flashcards.session import ReviewSession
from cnncourse.flashcards.settings import Settings, load_settings

__all__ = ["Card", "Clock", "Deck", "DeckFormatError", "HistoryError", "HistoryStore", "LESSON_SLUGS",
           "ManualClock", "ReviewSession", "ReviewWidget", "Settings", "find_deck", "history_path",
           "import_deck", "lesson_of", "load_decks", "load_settings", "parse_deck", "parse_qa_list",
           "seed_cards_for_lesson"]


def __getattr__(name: str):
    if name == "ReviewWidget":  # ipywidgets is only imported when the widget is asked for
        from cnncourse.flashcards.widget import ReviewWidget
        return ReviewWidget
    raise AttributeError(name)
